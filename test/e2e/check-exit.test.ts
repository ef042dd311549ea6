import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario, startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, rolewatch } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";

/** `check` exits in the monitoring-plugin convention; 0 and 3 are shown in check.test.ts. */
describe("rolewatch check's exit code", () => {
  let sim: Simulator;
  afterEach(() => sim.close());

  async function check(): Promise<{ code: number | null; report: { status: string; drifts: { kind: string; severity: string }[] } }> {
    const { code, stdout } = await rolewatch(["check", "--json"], cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl }));
    const report = JSON.parse(stdout) as { status: string; drifts: { kind: string; severity: string }[] };
    expect(contractProblems(report)).toEqual([]);
    return { code, report };
  }

  it("is 2 (CRITICAL) for a critical drift: the role swapped in the profile, not yet in IMDS", async () => {
    sim = await startSimulator({ awsPort: 0 });
    sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    const { code, report } = await check();
    expect(report).toMatchObject({ status: "critical", drifts: [{ kind: "profile_role_mismatch", severity: "critical" }] });
    expect(code).toBe(2);
  });

  it("is 1 (WARNING) for a warning drift alone: an association still associating", async () => {
    sim = await startSimulator({ awsPort: 0, scenario: { ...defaultScenario(), delays: { associationSeconds: 3600 } } });
    const [association] = sim.controlPlane.describeIamInstanceProfileAssociations({ instanceIds: [sim.instanceId] });
    sim.controlPlane.replaceIamInstanceProfileAssociation(association?.associationId ?? "", { name: "MyInPr" });
    const { code, report } = await check();
    expect(report).toMatchObject({ status: "warning", drifts: [{ kind: "association_mismatch", severity: "warning" }] });
    expect(code).toBe(1);
  });

  it("is 0 (OK) when every source agrees", async () => {
    sim = await startSimulator({ awsPort: 0 });
    const { code, report } = await check();
    expect(report).toMatchObject({ status: "ok", drifts: [], sts: { role: "RedRole" }, profile: { name: "MyInPr" }, association: { state: "associated" } });
    expect(code).toBe(0);
  });
});
