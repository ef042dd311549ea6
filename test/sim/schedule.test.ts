import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { defaultScenario, loadScenario, scheduleScenario, startSimulator, type Scenario } from "../../src/sim/index.js";
import { REVOKE_POLICY_NAME } from "../../src/sim/plane/iam-policies.js";
import { control, startOnManualClock } from "../support/sim-http.js";
import { HOUR, MIN, START, seedWorld } from "./world-support.js";

// A scenario's schedule: IAM changes at set times (plane/schedule.ts), checked when the file is read.

const BASE = `
accountId: "111122223333"
region: us-east-1
roles: [{ name: RedRole }, { name: BlueRole }]
instanceProfiles: [{ name: MyInPr, role: RedRole }]
instances: [{ instanceProfile: MyInPr }]
`;

function problems(text: string): string[] {
  try {
    loadScenario(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error("scenario was accepted");
}

/** The field report's world with these steps, scheduled as startSimulator schedules them. */
function scheduled(steps: Scenario["schedule"], delays: Scenario["delays"] = {}) {
  const w = seedWorld({ ...defaultScenario(), schedule: steps ?? [], delays });
  scheduleScenario(w.world, steps ?? []);
  return w;
}

describe("a scenario's schedule", () => {
  it("is read from the file with the revocation delay", () => {
    const scenario = loadScenario(`${BASE}delays: { revocationSeconds: 120 }
schedule:
  - { atSeconds: 600, revokeSessions: { role: RedRole } }
  - { atSeconds: 900, removeRole: { instanceProfile: MyInPr, role: RedRole } }
  - { atSeconds: 960, deleteInstanceProfile: { instanceProfile: MyInPr } }
  - { atSeconds: 1020, createInstanceProfile: { instanceProfile: MyInPr } }
  - { atSeconds: 1080, addRole: { instanceProfile: MyInPr, role: BlueRole } }
`);
    expect(scenario.delays).toEqual({ revocationSeconds: 120 });
    expect(scenario.schedule).toEqual([
      { atSeconds: 600, revokeSessions: { role: "RedRole" } },
      { atSeconds: 900, removeRole: { instanceProfile: "MyInPr", role: "RedRole" } },
      { atSeconds: 960, deleteInstanceProfile: { instanceProfile: "MyInPr" } },
      { atSeconds: 1020, createInstanceProfile: { instanceProfile: "MyInPr" } },
      { atSeconds: 1080, addRole: { instanceProfile: "MyInPr", role: "BlueRole" } },
    ]);
  });

  it("reports every step out of shape, by key", () => {
    expect(problems(`${BASE}delays: { revocationSeconds: -1 }
schedule:
  - { revokeSessions: { role: RedRole } }
  - { atSeconds: 60 }
  - { atSeconds: 60, revokeSessions: { role: RedRole }, removeRole: { instanceProfile: MyInPr, role: RedRole } }
  - { atSeconds: 60, revokeSessions: { role: "no spaces" } }
  - { atSeconds: 60, addRole: { instanceProfile: MyInPr } }
  - { atSeconds: 60, rebootInstances: {} }
  - "later"
`)).toEqual([
      "scenario.delays.revocationSeconds: must be an integer from 0 to 43200 (got -1)",
      "scenario.schedule[0].atSeconds: is required: seconds after the simulator starts",
      "scenario.schedule[1]: must have exactly one of revokeSessions, removeRole, addRole, deleteInstanceProfile, createInstanceProfile (got none)",
      "scenario.schedule[2]: must have exactly one of revokeSessions, removeRole, addRole, deleteInstanceProfile, createInstanceProfile (got revokeSessions, removeRole)",
      'scenario.schedule[3].revokeSessions.role: must be 1-64 letters, digits or +=,.@_- (got "no spaces")',
      "scenario.schedule[4].addRole.role: is required",
      "scenario.schedule[5].rebootInstances: unknown key (allowed: atSeconds, revokeSessions, removeRole, addRole, deleteInstanceProfile, createInstanceProfile)",
      "scenario.schedule[5]: must have exactly one of revokeSessions, removeRole, addRole, deleteInstanceProfile, createInstanceProfile (got none)",
      "scenario.schedule[6]: must be an object",
    ]);
  });

  it("reports, in time order, each step IAM would refuse at its time", () => {
    expect(problems(`${BASE}schedule:
  - { atSeconds: 900, deleteInstanceProfile: { instanceProfile: MyInPr } }
  - { atSeconds: 600, revokeSessions: { role: GhostRole } }
  - { atSeconds: 960, createInstanceProfile: { instanceProfile: MyInPr } }
  - { atSeconds: 30, addRole: { instanceProfile: MyInPr, role: BlueRole } }
  - { atSeconds: 60, removeRole: { instanceProfile: Other, role: RedRole } }
`)).toEqual([
      'scenario.schedule[3]: at 30 s instance profile "MyInPr" already holds a role (it can hold one)',
      'scenario.schedule[4]: at 60 s no instance profile named "Other" (deleted, or never in scenario.instanceProfiles)',
      'scenario.schedule[1]: at 600 s no role named "GhostRole" in scenario.roles',
      'scenario.schedule[0]: at 900 s instance profile "MyInPr" still holds a role: remove it first (DeleteConflict)',
      'scenario.schedule[2]: at 960 s instance profile "MyInPr" already exists (EntityAlreadyExists)',
    ]);
  });

  it("revokes at its time: the console's policy, dated then; IMDS brings working credentials after the scenario's delay", () => {
    const w = scheduled([{ atSeconds: 600, revokeSessions: { role: "RedRole" } }], { revocationSeconds: 120 });
    const red = w.key() ?? "";
    w.at(10 * MIN - 1000);
    expect(w.plane.listRolePolicies("RedRole")).toEqual([]);
    w.at(10 * MIN);
    expect(JSON.parse(w.plane.getRolePolicy("RedRole", REVOKE_POLICY_NAME).document)).toMatchObject({ Statement: [{ Condition: { DateLessThan: { "aws:TokenIssueTime": "2026-11-29T08:10:00Z" } } }] });
    expect(w.plane.caller(red)?.explicitDeny).toBe(true);
    w.at(12 * MIN);
    expect(w.served()?.issue.issuedAt).toBe(START + 12 * MIN);
  });

  it("applies every step due when the clock jumps past them, each at its own time", () => {
    const w = scheduled([
      { atSeconds: 600, removeRole: { instanceProfile: "MyInPr", role: "RedRole" } },
      { atSeconds: 660, deleteInstanceProfile: { instanceProfile: "MyInPr" } },
      { atSeconds: 720, createInstanceProfile: { instanceProfile: "MyInPr" } },
    ]);
    const red = w.key();
    const oldId = w.info()?.InstanceProfileId;
    w.at(2 * HOUR);
    expect(w.key()).toBe(red);
    const recreated = w.plane.getInstanceProfile("MyInPr");
    expect(recreated).toMatchObject({ createDate: START + 12 * MIN, roles: [] });
    expect(recreated.instanceProfileId).not.toBe(oldId);
    expect(w.info()?.InstanceProfileId).toBe(oldId);
    expect(w.world.timeline.records().map((r) => [r.at - START, r.what, r.state])).toEqual([
      [10 * MIN, "removeRole RedRole from MyInPr", "done"],
      [11 * MIN, "deleteInstanceProfile MyInPr", "done"],
      [12 * MIN, "createInstanceProfile MyInPr", "done"],
    ]);
  });

  it("skips a step that changes made meanwhile make IAM refuse, and keeps its error", () => {
    const w = scheduled([
      { atSeconds: 300, removeRole: { instanceProfile: "MyInPr", role: "RedRole" } },
      { atSeconds: 600, deleteInstanceProfile: { instanceProfile: "MyInPr" } },
    ]);
    w.at(8 * MIN);
    w.plane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    w.at(11 * MIN);
    expect(w.plane.getInstanceProfile("MyInPr").roles.map((r) => r.name)).toEqual(["BlueRole"]);
    expect(w.world.timeline.records()).toEqual([
      { at: START + 5 * MIN, what: "removeRole RedRole from MyInPr", state: "done" },
      { at: START + 10 * MIN, what: "deleteInstanceProfile MyInPr", state: "failed", error: "Cannot delete entity, must remove roles from instance profile first." },
    ]);
  });

  it("is shown on GET /rolewatch-sim/schedule, applied up to the simulator's now", async () => {
    const { sim, clock } = await startOnManualClock({ scenario: { ...defaultScenario(), schedule: [{ atSeconds: 60, revokeSessions: { role: "RedRole" } }, { atSeconds: 120, removeRole: { instanceProfile: "MyInPr", role: "RedRole" } }] } });
    try {
      clock.advance(90_000);
      const res = await control(sim, "GET", "schedule");
      expect(JSON.parse(res.text)).toEqual({
        steps: [
          { at: "2026-11-29T08:01:00Z", what: "revokeSessions RedRole", state: "done" },
          { at: "2026-11-29T08:02:00Z", what: "removeRole RedRole from MyInPr", state: "pending" },
        ],
      });
      expect(sim.schedule().map((r) => r.state)).toEqual(["done", "pending"]);
    } finally {
      await sim.close();
    }
  });

  it("is refused with an AWS backend, whose IAM the simulator does not change", async () => {
    const scenario = { ...defaultScenario(), schedule: [{ atSeconds: 60, revokeSessions: { role: "RedRole" } }] };
    await expect(startSimulator({ scenario, awsBackend: { url: "http://127.0.0.1:9" } })).rejects.toThrow(/a scenario schedule changes the simulator's own IAM/);
  });
});
