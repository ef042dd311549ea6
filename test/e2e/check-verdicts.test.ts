import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, rolewatch } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";

/** The codes docs/wire.md, Credentials document names, and one it does not. */
const CODES: [string, RegExp][] = [
  ["AssumeRoleUnauthorizedAccess", /trust policy does not trust ec2\.amazonaws\.com/],
  ["InstanceProfileNotFound", /instance profile was deleted/],
  ["RoleNotFound", /the role may no longer exist/],
];

interface Report { status: string; imds: { code: string | null; accessKeyId: string | null }; drifts: { kind: string; severity: string; detail: string }[] }

/** IMDS's own verdicts are observations: `check` exits 2 (CRITICAL) with a drift naming them (docs/contract.md, Drift kinds). */
describe("rolewatch check against IMDS's own verdicts", () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  const env = () => cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl });

  async function check(): Promise<{ code: number | null; report: Report }> {
    const { code, stdout } = await rolewatch(["check", "--json"], env());
    const report = JSON.parse(stdout) as Report;
    expect(contractProblems(report)).toEqual([]);
    return { code, report };
  }

  it.each(CODES)("exits 2 with credentials_unavailable naming %s and what it means", async (imdsCode, meaning) => {
    sim = await startSimulator({ awsPort: 0 });
    sim.setFault({ kind: "credentials-code", code: imdsCode });
    const { code, report } = await check();
    expect(report).toMatchObject({ status: "critical", imds: { code: imdsCode, accessKeyId: null }, drifts: [{ kind: "credentials_unavailable", severity: "critical" }] });
    expect(report.drifts[0]?.detail).toContain(`IMDS serves no credentials for RedRole: ${imdsCode}`);
    expect(report.drifts[0]?.detail).toMatch(meaning);
    expect(code).toBe(2);
  });

  it("prints the remedies with this instance's role and profile", async () => {
    sim = await startSimulator({ awsPort: 0 });
    sim.setFault({ kind: "credentials-code", code: "AssumeRoleUnauthorizedAccess" });
    const { code, stdout } = await rolewatch(["check"], env());
    expect(stdout).toContain("credentials_unavailable");
    expect(stdout).toContain(`aws iam update-assume-role-policy --role-name RedRole --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`);
    expect(stdout).toContain("aws iam get-role --role-name RedRole");
    expect(stdout).toContain("aws iam get-instance-profile --instance-profile-name MyInPr");
    expect(code).toBe(2);
  });

  it("exits 2 with identity_mismatch naming every role IMDS lists", async () => {
    sim = await startSimulator({ awsPort: 0 });
    sim.setFault({ kind: "extra-roles", roles: ["BlueRole"] });
    const { code, report } = await check();
    expect(report).toMatchObject({ status: "critical", drifts: [{ kind: "identity_mismatch", severity: "critical", detail: "IMDS lists 2 roles (RedRole, BlueRole); an instance profile holds at most one" }] });
    expect(code).toBe(2);
  });

  it("names every listed role in the text report too", async () => {
    sim = await startSimulator({ awsPort: 0 });
    sim.setFault({ kind: "extra-roles", roles: ["BlueRole", "GreenRole"] });
    const { stdout, code } = await rolewatch(["check"], env());
    expect(stdout).toContain("IMDS lists 3 roles (RedRole, BlueRole, GreenRole)");
    expect(code).toBe(2);
  });
});
