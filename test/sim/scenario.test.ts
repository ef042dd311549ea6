import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { ConfigError } from "../../src/errors.js";
import { defaultScenario, loadScenario, startSimulator, World } from "../../src/sim/index.js";

const YAML_SCENARIO = `
accountId: "444455556666"
region: eu-west-1
roles:
  - name: AppRole
  - name: Spare
    roleId: AROAABCDEFGHIJKLMNOPQ
instanceProfiles:
  - name: app-profile
    role: AppRole
instances:
  - instanceProfile: app-profile
    instanceType: m5.large
credentials:
  lifetimeSeconds: 3600
  rotationSeconds: 1800
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

describe("scenarios", () => {
  it("defaults to the field report's setup", () => {
    const s = defaultScenario();
    expect(s).toMatchObject({ accountId: "111122223333", region: "us-east-1" });
    expect(s.roles.map((r) => r.name)).toEqual(["RedRole", "BlueRole"]);
    for (const r of s.roles) expect(r.roleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(s.instanceProfiles).toEqual([{ name: "MyInPr", instanceProfileId: expect.stringMatching(/^AIPA[A-Z0-9]{17}$/), role: "RedRole" }]);
    expect(s.instances).toHaveLength(1);
    expect(s.instances[0]).toMatchObject({ instanceId: expect.stringMatching(/^i-[0-9a-f]{17}$/), state: "running", instanceProfile: "MyInPr" });
  });

  it("loads YAML, and the same document as JSON", () => {
    const fromYaml = loadScenario(YAML_SCENARIO);
    expect(loadScenario(JSON.stringify(fromYaml))).toEqual(fromYaml);
    expect(fromYaml.roles[1]).toEqual({ name: "Spare", roleId: "AROAABCDEFGHIJKLMNOPQ" });
  });

  it("builds a world from it, minting the ids it leaves out", () => {
    const world = new World(loadScenario(YAML_SCENARIO), { clock: new ManualClock() });
    const [instance] = world.instances.values();
    expect(instance?.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(world.roles.get("AppRole")?.roleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(world.instanceProfiles.get("app-profile")?.arn).toBe("arn:aws:iam::444455556666:instance-profile/app-profile");
    const issue = world.served(instance?.instanceId ?? "")?.issue;
    expect(issue && issue.expiresAt - issue.issuedAt).toBe(3_600_000);
  });

  it("reports every problem, each naming its key", () => {
    const found = problems(`
accountId: 1234
region: Mars
roles: [{ name: RedRole, roleId: nope }, { name: RedRole }]
instanceProfiles: [{ name: P, role: GhostRole, colour: red }]
instances: [{ instanceProfile: Q, state: sleeping }]
credentials: { lifetimeSeconds: 3600, rotationSeconds: 3500 }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^scenario.accountId: must be a string/),
        expect.stringMatching(/^scenario.region: must be a region name/),
        expect.stringMatching(/^scenario.roles\[0\].roleId: must be AROA followed by 17/),
        expect.stringMatching(/^scenario.roles: "RedRole" appears twice/),
        expect.stringMatching(/^scenario.instanceProfiles\[0\].colour: unknown key/),
        expect.stringMatching(/^scenario.instanceProfiles\[0\].role: no role named "GhostRole"/),
        expect.stringMatching(/^scenario.instances\[0\].state: must be one of running, stopped/),
        expect.stringMatching(/^scenario.instances\[0\].instanceProfile: no instance profile named "Q"/),
        expect.stringMatching(/^scenario.credentials.rotationSeconds: must leave at least 300 s before expiry/),
      ]),
    );
    expect(found).toHaveLength(9);
  });

  it("takes the delays and the admin key pair, and reports bad ones by key", () => {
    const base = 'accountId: "111122223333"\nregion: us-east-1\ninstances: [{}]\n';
    const parsed = loadScenario(`${base}delays: { swapSeconds: 60, associationSeconds: 0 }\nadmin: { accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY }\n`);
    expect(parsed).toMatchObject({ delays: { swapSeconds: 60, associationSeconds: 0 }, admin: { accessKeyId: "AKIAIOSFODNN7EXAMPLE" } });
    const world = new World(parsed, { clock: new ManualClock() });
    expect(world.delays).toEqual({ swapMs: 60_000, associationMs: 0, revocationMs: null });
    expect(new World(loadScenario(base), { clock: new ManualClock() }).delays).toEqual({ swapMs: 3_240_000, associationMs: 5000, revocationMs: null });
    expect(problems(`${base}delays: { swapSeconds: -1, later: 2 }\nadmin: { accessKeyId: ASIA1234 }\n`)).toEqual([
      "scenario.delays.later: unknown key (allowed: swapSeconds, associationSeconds, revocationSeconds)",
      "scenario.delays.swapSeconds: must be an integer from 0 to 43200 (got -1)",
      'scenario.admin.accessKeyId: must be AKIA followed by 16 uppercase letters or digits (got "ASIA1234")',
      "scenario.admin.secretAccessKey: is required",
    ]);
  });

  it.each([
    ["not YAML", "roles: [unclosed", /not valid YAML or JSON/],
    ["a list", "- a\n- b", /scenario: must be an object/],
    ["no instances", 'accountId: "111122223333"\nregion: us-east-1', /scenario.instances: must list at least one instance/],
  ])("rejects %s", (_what, text, message) => {
    expect(problems(text).join("\n")).toMatch(message);
  });

  it("mints the same keys every run with a seed", async () => {
    const keys = async () => {
      const sim = await startSimulator({ clock: new ManualClock(), seed: "demo" });
      await sim.close();
      return sim.served()?.issue.v2.accessKeyId;
    };
    expect(await keys()).toBe(await keys());
  });
});
