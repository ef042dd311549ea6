import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { parseCredentials, parseOtherRoles } from "../../src/imds/parse.js";
import { defaultScenario, loadScenario, type Simulator } from "../../src/sim/index.js";
import { control, read, startOnManualClock } from "../support/sim-http.js";

const LIST = "/latest/meta-data/iam/security-credentials/";
const CREDS = `${LIST}RedRole`;
/** The codes docs/wire.md, Credentials document names, and one it does not. */
const CODES = ["AssumeRoleUnauthorizedAccess", "InstanceProfileNotFound", "RoleNotFound"];
let sim: Simulator;
afterEach(() => sim.close());

/** IMDS's own verdicts (docs/contract.md, Simulator admin paths and Simulator scenario). */
describe("the simulator's IMDS verdicts", () => {
  it.each(CODES)("serves the role's document with Code %s and no keys, until the faults are cleared", async (code) => {
    ({ sim } = await startOnManualClock());
    expect((await control(sim, "PUT", "faults", { kind: "credentials-code", code })).status).toBe(200);
    const body = (await read(sim, CREDS)).text;
    expect(JSON.parse(body)).toEqual({ Code: code, LastUpdated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as unknown, Message: expect.any(String) as unknown });
    expect(parseCredentials(body)).toMatchObject({ code });
    expect((await read(sim, "/latest/meta-data/iam/security-credentials-extended/RedRole")).text).toContain(code);
    await control(sim, "DELETE", "faults");
    expect(JSON.parse((await read(sim, CREDS)).text)).toMatchObject({ Code: "Success", AccessKeyId: expect.stringMatching(/^ASIA/) as unknown });
  });

  it("lists more roles than the served one, which EC2 never does", async () => {
    ({ sim } = await startOnManualClock());
    sim.setFault({ kind: "extra-roles", roles: ["BlueRole"], count: 1 });
    const listed = (await read(sim, LIST)).text;
    expect(listed).toBe("RedRole\nBlueRole");
    expect(parseOtherRoles(listed)).toEqual(["BlueRole"]);
    expect((await read(sim, LIST)).text).toBe("RedRole");
  });

  it("takes both from the scenario's imds, from the start", async () => {
    ({ sim } = await startOnManualClock({ scenario: { ...defaultScenario(), imds: { credentialsCode: "AssumeRoleUnauthorizedAccess", extraRoles: ["BlueRole", "GreenRole"] } } }));
    expect((await read(sim, LIST)).text).toBe("RedRole\nBlueRole\nGreenRole");
    expect(JSON.parse((await read(sim, CREDS)).text)).toMatchObject({ Code: "AssumeRoleUnauthorizedAccess" });
    expect(sim.faults().map((f) => f.kind).sort()).toEqual(["credentials-code", "extra-roles"]);
  });

  it.each([
    [{ kind: "credentials-code" }, "fault.code"],
    [{ kind: "credentials-code", code: "Success" }, "fault.code"],
    [{ kind: "credentials-code", code: "Assume Role" }, "fault.code"],
    [{ kind: "extra-roles", roles: [] }, "fault.roles"],
    [{ kind: "extra-roles", roles: ["../info"] }, "fault.roles"],
    [{ kind: "extra-roles", roles: ["BlueRole"], path: "/" }, "fault.path"],
  ])("refuses the fault %j", async (fault, key) => {
    ({ sim } = await startOnManualClock());
    const answer = await control(sim, "PUT", "faults", fault);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(key);
  });

  it("refuses a scenario's bad imds, naming each problem", () => {
    const yaml = (imds: string) => `accountId: "111122223333"\nregion: us-east-1\ninstances: [{}]\nimds: ${imds}\n`;
    let problems: readonly string[] = [];
    try {
      loadScenario(yaml("{credentialsCode: Success, extraRoles: ['a b'], other: 1}"));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      problems = (error as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(":")[0])).toEqual(["scenario.imds.other", "scenario.imds.credentialsCode", "scenario.imds.extraRoles"]);
    expect(loadScenario(yaml("{credentialsCode: AssumeRoleUnauthorizedAccess}")).imds).toEqual({ credentialsCode: "AssumeRoleUnauthorizedAccess" });
  });
});
