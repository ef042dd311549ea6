import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { readIdentity, readImds } from "../../src/imds/read.js";
import { ImdsSession } from "../../src/imds/session.js";
import { caught, startFakeImds, type FakeImds } from "./loopback.js";

const INFO_PATH = "/latest/meta-data/iam/info";
const LIST_PATH = "/latest/meta-data/iam/security-credentials/";
const ROLE_PATH = `${LIST_PATH}RedRole`;
const IDENTITY_PATH = "/latest/dynamic/instance-identity/document";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";

const INFO = JSON.stringify({
  Code: "Success",
  LastUpdated: "2026-11-29T07:00:00Z",
  InstanceProfileArn: "arn:aws:iam::123456789012:instance-profile/MyInPr",
  InstanceProfileId: "AIPAZVTINAMEXAMPLE",
});
const CREDENTIALS = JSON.stringify({
  Code: "Success",
  LastUpdated: "2026-11-29T07:00:00Z",
  Type: "AWS-HMAC",
  AccessKeyId: "ASIAIOSFODNN7EXAMPLE",
  SecretAccessKey: SECRET,
  Token: SESSION_TOKEN,
  Expiration: "2026-11-29T13:00:00Z",
});

let fake: FakeImds;
afterEach(async () => {
  await fake.close();
});

async function session(routes: Record<string, string>): Promise<ImdsSession> {
  fake = await startFakeImds({ routes });
  return new ImdsSession({ endpoint: fake.url, clock: new ManualClock() });
}

describe("readImds", () => {
  it("reads the profile, the role and its credentials, in that order", async () => {
    const imds = await session({ [INFO_PATH]: INFO, [LIST_PATH]: "RedRole", [ROLE_PATH]: CREDENTIALS });
    const view = await readImds(imds);
    expect(view.info?.instanceProfileArn).toBe("arn:aws:iam::123456789012:instance-profile/MyInPr");
    expect(view.role).toBe("RedRole");
    expect(view.credentials).toMatchObject({ code: "Success", accessKeyId: "ASIAIOSFODNN7EXAMPLE" });
    expect(fake.seen.map((s) => s.path)).toEqual(["/latest/api/token", INFO_PATH, LIST_PATH, ROLE_PATH]);
  });

  it("keeps the secrets out of the view's JSON", async () => {
    const imds = await session({ [INFO_PATH]: INFO, [LIST_PATH]: "RedRole", [ROLE_PATH]: CREDENTIALS });
    const json = JSON.stringify(await readImds(imds));
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(SESSION_TOKEN);
    expect(json).not.toContain(fake.tokens[0]);
  });

  it.each([
    ["no profile", {}, { info: null, role: null, credentials: null }],
    ["a profile with no role", { [INFO_PATH]: INFO }, { role: null, credentials: null }],
    ["a role listed without credentials", { [INFO_PATH]: INFO, [LIST_PATH]: "RedRole" }, { role: "RedRole", credentials: null }],
    ["an empty role list", { [INFO_PATH]: INFO, [LIST_PATH]: "" }, { role: null, credentials: null }],
  ])("reads %s as values, not errors", async (_, routes, expected) => {
    expect(await readImds(await session(routes))).toMatchObject(expected);
  });

  it("names the role's path, never the body, when the credentials are malformed", async () => {
    const imds = await session({ [INFO_PATH]: INFO, [LIST_PATH]: "RedRole", [ROLE_PATH]: CREDENTIALS.slice(0, -30) });
    const err = await caught(readImds(imds));
    expect(err).toMatchObject({ failure: "bad-response", path: ROLE_PATH });
    expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain(SECRET);
  });
});

describe("readIdentity", () => {
  it("reads the identity document", async () => {
    const body = JSON.stringify({ accountId: "123456789012", region: "eu-west-1", instanceId: "i-0123456789abcdef0" });
    expect(await readIdentity(await session({ [IDENTITY_PATH]: body }))).toEqual({
      accountId: "123456789012",
      region: "eu-west-1",
      instanceId: "i-0123456789abcdef0",
    });
  });

  it("fails when there is no identity document: that is not an IMDS", async () => {
    expect(await caught(readIdentity(await session({})))).toMatchObject({
      failure: "unexpected-status",
      path: IDENTITY_PATH,
      status: 404,
    });
  });
});
