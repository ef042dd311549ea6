/**
 * Fleet mode end to end, on the simulator's fleet (docs/contract.md, Account exporter): one
 * `rolewatch account` lists the account, agents in fleet mode make no IAM or EC2 call, and the
 * drift is the join of their rolewatch_served_info with the exporter's profile series, computed
 * here as the documented PromQL computes it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, startRolewatch, type Daemon } from "../support/cli.js";
import { scrape, until } from "../support/daemon.js";

const ADMIN = { AWS_ACCESS_KEY_ID: "AKIAROLEWATCHSIMADMN", AWS_SECRET_ACCESS_KEY: "rolewatchSimulatorAdminSecretKey/EXAMPLE" };
const AGENTS = 3;

type Labels = Record<string, string>;

/** The label sets of one metric's samples of value 1. */
function infos(text: string, name: string): Labels[] {
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) && l.endsWith("} 1"))
    .map((l) => Object.fromEntries([...l.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])) as Labels);
}

/** rolewatch_served_info{role_id!=""} unless on (account, profile_id, role_id) rolewatch_account_profile_info */
function roleDrift(served: Labels[], profiles: Labels[]): string[] {
  const held = new Set(profiles.map((p) => `${p.account}/${p.profile_id}/${p.role_id}`));
  return served.filter((s) => s.role_id !== "" && !held.has(`${s.account}/${s.profile_id}/${s.role_id}`)).map((s) => s.instance_id ?? "");
}

async function startExporter(sim: Simulator): Promise<{ daemon: Daemon; url: string }> {
  const daemon = startRolewatch(
    ["account", "--account-credentials", "environment", "--account-listen", "127.0.0.1:0", "--region", "us-east-1"],
    cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl, ...ADMIN }),
  );
  const started = JSON.parse(await daemon.waitForLine((l) => l.includes('"account-started"'))) as { rolewatch: { config: { http: { url: string } } } };
  const { url } = started.rolewatch.config.http;
  await until(async () => (await scrape(url, "/readyz")).status === 200, 10_000, "exporter ready");
  return { daemon, url };
}

describe("fleet mode on the simulator's fleet", () => {
  let sim: Simulator;
  let agents: { daemon: Daemon; url: string; instanceId: string }[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ awsPort: 0, fleet: { instances: 12, profiles: 3 } });
    agents = await Promise.all(sim.endpoints.slice(0, AGENTS).map(async (e) => {
      const daemon = startRolewatch(
        ["run", "--listen", "127.0.0.1:0", "--poll-interval", "1s", "--imds-endpoint", e.imdsUrl, "--state-dir", mkdtempSync(join(tmpdir(), "rolewatch-fleet-join-")), "--control-plane-source", "account"],
        cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl }),
      );
      const started = JSON.parse(await daemon.waitForLine((l) => l.includes('"agent-started"'))) as { rolewatch: { config: { http: { url: string } } } };
      return { daemon, url: started.rolewatch.config.http.url, instanceId: e.instanceId };
    }));
    for (const a of agents) await until(async () => (await scrape(a.url)).body.includes('role_id="AROA'), 15_000, `agent ${a.instanceId} confirmed by STS`);
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) await a.daemon.stop();
    await sim.close();
  });

  it("lists every profile and association once for the account; the agents call STS only", async () => {
    const exporter = await startExporter(sim);
    try {
      const { body } = await scrape(exporter.url);
      expect(infos(body, "rolewatch_account_profile_info").filter((p) => p.role !== "")).toHaveLength(3);
      expect(infos(body, "rolewatch_account_association_info")).toHaveLength(12);
      const calls = sim.apiStats().calls;
      expect(calls["iam:GetInstanceProfile"] ?? 0).toBe(0);
      expect(calls["iam:ListInstanceProfiles"]).toBe(1);
      expect(calls["ec2:DescribeIamInstanceProfileAssociations"]).toBe(1);
      const served = (await Promise.all(agents.map(async (a) => infos((await scrape(a.url)).body, "rolewatch_served_info")))).flat();
      expect(served.map((s) => s.instance_id).sort()).toEqual(agents.map((a) => a.instanceId).sort());
      expect(roleDrift(served, infos(body, "rolewatch_account_profile_info"))).toEqual([]);
    } finally {
      expect(await exporter.daemon.stop()).toBe(0);
    }
  });

  it("a role swapped in one profile is a drift of exactly the instances on that profile, by the join", async () => {
    const first = sim.world.instances.get(agents[0]!.instanceId)?.association?.profileName ?? "";
    const role = [...sim.world.instanceProfiles.values()].find((p) => p.name === first)?.role ?? "";
    sim.controlPlane.removeRoleFromInstanceProfile(first, role);
    sim.controlPlane.addRoleToInstanceProfile(first, "BlueRole");
    const exporter = await startExporter(sim);
    try {
      const profiles = infos((await scrape(exporter.url)).body, "rolewatch_account_profile_info");
      expect(profiles.find((p) => p.profile === first)?.role).toBe("BlueRole");
      const served = (await Promise.all(agents.map(async (a) => infos((await scrape(a.url)).body, "rolewatch_served_info")))).flat();
      const expected = agents.filter((a) => sim.world.instances.get(a.instanceId)?.association?.profileName === first).map((a) => a.instanceId);
      expect(expected.length).toBeGreaterThan(0);
      expect(roleDrift(served, profiles).sort()).toEqual(expected.sort());
    } finally {
      expect(await exporter.daemon.stop()).toBe(0);
    }
  });
});
