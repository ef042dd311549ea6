/**
 * The simulator as a fleet (docs/contract.md, Simulator fleet): one world of N
 * instances over M profiles, each instance's IMDS on a port of its own,
 * answering for that instance alone, with the field report's delays applied
 * per instance.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/clock.js";
import { defaultScenario, fleetScenario, startSimulator, type InstanceEndpoint, type Simulator } from "../../src/sim/index.js";
import { seededRandom } from "../../src/sim/world/random.js";
import { raw, startOnManualClock } from "../support/sim-http.js";

let sim: Simulator | undefined;
afterEach(() => sim?.close());

/** A read of one instance's IMDS with a token of its own. */
async function readFrom(endpoint: InstanceEndpoint, path: string): Promise<{ status: number; text: string }> {
  const token = (await raw(endpoint.imdsUrl, "/latest/api/token", { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60" } })).text;
  return raw(endpoint.imdsUrl, path, { headers: { "X-aws-ec2-metadata-token": token } });
}

const json = (res: { text: string }) => JSON.parse(res.text) as Record<string, string>;

/** The profile name each instance of a fleet scenario is associated with, by instance id. */
function profileOf(s: Simulator): Map<string, string> {
  return new Map([...s.world.instances.values()].map((i) => [i.instanceId, i.association?.profileName ?? ""]));
}

describe("the fleet's world", () => {
  it("is the field report's world for one instance over one profile", () => {
    expect(fleetScenario({ instances: 1 }, seededRandom("x"))).toEqual(defaultScenario());
    expect(fleetScenario({ instances: 1, profiles: 1 }, seededRandom("x"))).toEqual(defaultScenario());
  });

  it("spreads N instances round-robin over M profiles, each holding a role of its own, the field report's first", () => {
    const scenario = fleetScenario({ instances: 10, profiles: 3 }, seededRandom("fleet"));
    expect(scenario.instanceProfiles.map((p) => [p.name, p.role])).toEqual([["MyInPr", "RedRole"], ["MyInPr-2", "RedRole-2"], ["MyInPr-3", "RedRole-3"]]);
    expect(scenario.roles.map((r) => r.name)).toEqual(["RedRole", "RedRole-2", "RedRole-3", "BlueRole"]);
    expect(scenario.instances.map((i) => i.instanceProfile)).toEqual(["MyInPr", "MyInPr-2", "MyInPr-3", "MyInPr", "MyInPr-2", "MyInPr-3", "MyInPr", "MyInPr-2", "MyInPr-3", "MyInPr"]);
    expect(scenario.instances[0]).toEqual(defaultScenario().instances[0]);
    const ids = scenario.instances.map((i) => i.instanceId);
    expect(new Set(ids).size).toBe(10);
    for (const id of ids) expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    expect(new Set(scenario.instances.map((i) => i.privateIp)).size).toBe(10);
  });

  it("has one profile per 50 instances unless told, and refuses sizes out of range", () => {
    expect(fleetScenario({ instances: 200 }, seededRandom("a")).instanceProfiles).toHaveLength(4);
    expect(fleetScenario({ instances: 51 }, seededRandom("a")).instanceProfiles).toHaveLength(2);
    expect(() => fleetScenario({ instances: 0 }, seededRandom("a"))).toThrow(/fleet instances: must be a whole number from 1 to 100000/);
    expect(() => fleetScenario({ instances: 2, profiles: 1.5 }, seededRandom("a"))).toThrow(/fleet profiles/);
  });
});

describe("a fleet simulator", () => {
  let clock: ManualClock;

  it("gives each instance an IMDS that answers for that instance: identity, iam/info and its profile's role", async () => {
    ({ sim, clock } = await startOnManualClock({ fleet: { instances: 6, profiles: 2 }, seed: "fleet" }));
    expect(sim.endpoints.map((e) => e.instanceId)).toEqual([...sim.world.instances.keys()]);
    expect(new Set(sim.endpoints.map((e) => e.imdsUrl)).size).toBe(6);
    expect(sim.endpoints[0]?.imdsUrl).toBe(sim.imdsUrl);
    const profiles = profileOf(sim);
    for (const endpoint of sim.endpoints) {
      const profile = sim.world.instanceProfiles.get(profiles.get(endpoint.instanceId) ?? "");
      const identity = json(await readFrom(endpoint, "/latest/dynamic/instance-identity/document"));
      expect(identity.instanceId).toBe(endpoint.instanceId);
      expect(json(await readFrom(endpoint, "/latest/meta-data/iam/info")).InstanceProfileArn).toBe(profile?.arn);
      expect((await readFrom(endpoint, "/latest/meta-data/iam/security-credentials/")).text).toBe(profile?.role);
      const served = json(await readFrom(endpoint, `/latest/meta-data/iam/security-credentials/${profile?.role ?? ""}`));
      expect(sim.world.sessions.get(served.AccessKeyId ?? "")?.sessionName).toBe(endpoint.instanceId);
    }
  });

  it("delivers a swap on one profile to exactly its instances, each after the swap delay", async () => {
    ({ sim, clock } = await startOnManualClock({ fleet: { instances: 6, profiles: 2 }, seed: "swap" }));
    const profiles = profileOf(sim);
    sim.controlPlane.removeRoleFromInstanceProfile("MyInPr-2", "RedRole-2");
    sim.controlPlane.addRoleToInstanceProfile("MyInPr-2", "BlueRole");
    clock.advance(53 * 60_000);
    const roles = async () => Promise.all(sim?.endpoints.map(async (e) => (await readFrom(e, "/latest/meta-data/iam/security-credentials/")).text) ?? []);
    const before = sim.endpoints.map((e) => (profiles.get(e.instanceId) === "MyInPr" ? "RedRole" : "RedRole-2"));
    expect(await roles()).toEqual(before);
    clock.advance(60_000);
    expect(await roles()).toEqual(sim.endpoints.map((e) => (profiles.get(e.instanceId) === "MyInPr" ? "RedRole" : "BlueRole")));
  });

  it("keeps each instance's admin paths, tokens and counters to that instance; the API's are shared", async () => {
    ({ sim, clock } = await startOnManualClock({ fleet: { instances: 3, profiles: 1 }, seed: "admin" }));
    const [first, second, third] = sim.endpoints as [InstanceEndpoint, InstanceEndpoint, InstanceEndpoint];
    const put = await raw(second.imdsUrl, "/rolewatch-sim/faults", { method: "PUT", body: JSON.stringify({ kind: "status", status: 503, path: "/latest/meta-data/instance-id" }) });
    expect(put.status).toBe(200);
    expect((await readFrom(second, "/latest/meta-data/instance-id")).status).toBe(503);
    expect((await readFrom(first, "/latest/meta-data/instance-id")).text).toBe(first.instanceId);
    const delivered = await raw(third.imdsUrl, "/rolewatch-sim/deliver", { method: "POST", body: JSON.stringify({ role: "BlueRole" }) });
    expect(json(delivered).role).toBe("BlueRole");
    expect(sim.world.served(third.instanceId)?.role.name).toBe("BlueRole");
    expect(sim.world.served(first.instanceId)?.role.name).toBe("RedRole");
    expect(JSON.parse((await raw(first.imdsUrl, "/rolewatch-sim/stats")).text)).toMatchObject({ tokensIssued: 1, reads: { "/latest/meta-data/instance-id": 1 } });
    expect(second.control.stats()).toMatchObject({ tokensIssued: 1, statuses: { "503": 1 } });
    expect((await raw(third.imdsUrl, "/rolewatch-sim/api-stats")).text).toBe((await raw(first.imdsUrl, "/rolewatch-sim/api-stats")).text);
  });

  it("listens only for its own instance with imds \"first\", and refuses a scenario beside a fleet", async () => {
    sim = await startSimulator({ fleet: { instances: 500, imds: "first" } });
    expect(sim.endpoints).toHaveLength(1);
    expect(sim.world.instances.size).toBe(500);
    expect(sim.world.instanceProfiles.size).toBe(10);
    await expect(startSimulator({ fleet: { instances: 2 }, scenario: defaultScenario() })).rejects.toThrow(/a fleet builds its own world/);
  });
});
