import { describe, expect, it } from "vitest";
import { ImdsError } from "../../src/errors.js";
import { NOT_A_ROLE_NAME, parseCredentials, parseOtherRoles } from "../../src/imds/parse.js";

/** IMDS's own verdicts (docs/wire.md, Credentials document): untrusted text checked before it goes anywhere. */
describe("the roles listed after the first", () => {
  it.each([
    ["RedRole", []],
    ["RedRole\n", []],
    ["RedRole\nBlueRole", ["BlueRole"]],
    ["RedRole\r\n\nBlueRole\nGreen+Role\n", ["BlueRole", "Green+Role"]],
    ["RedRole\n$(reboot)\n\u001b[31m", [NOT_A_ROLE_NAME, NOT_A_ROLE_NAME]],
  ])("of %j are %j", (body, others) => {
    expect(parseOtherRoles(body)).toEqual(others);
  });
});

describe("a credentials document's Code", () => {
  const doc = (code: string) => JSON.stringify({ Code: code, LastUpdated: "2026-11-29T10:00:00Z", Message: "EC2 cannot assume the role" });

  it("other than Success is a state: the code, no keys", () => {
    expect(parseCredentials(doc("AssumeRoleUnauthorizedAccess"))).toEqual({ code: "AssumeRoleUnauthorizedAccess", message: "EC2 cannot assume the role", lastUpdated: Date.parse("2026-11-29T10:00:00Z") });
  });

  it.each(["Assume Role", "Code\u001b[2J", "a".repeat(65), "Assume-Role"])("%j, not letters only, makes the document malformed", (code) => {
    let caught: unknown;
    try {
      parseCredentials(doc(code));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ImdsError);
    expect(caught).toMatchObject({ failure: "bad-response" });
  });
});
