import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, startRolewatch, type Daemon } from "../support/cli.js";
import { scrape } from "../support/daemon.js";
import { startFleetAgents, type FleetAgents } from "../support/fleet-agents.js";
import { eventually, startPrometheus, type PromAlert, type PromServer } from "../support/prom-server.js";
import { findTool, requireTool } from "../support/require-tool.js";

/*
 * Fleet mode end to end (docs/contract.md, Account exporter): a real Prometheus with the shipped
 * rule files scrapes one `rolewatch account` and 200 agents in fleet mode over the simulator's
 * fleet of 200 instances on 4 profiles; three agents are real `rolewatch run` processes, the
 * others share this process, each with its own registry and HTTP server. A role swapped in one
 * profile pages for exactly its instances, each within the exporter's interval plus two scrape
 * and evaluation intervals, until their IMDS delivers the new role.
 */

const prometheus = findTool("prometheus", "apt-get install prometheus");
const RULE_FILES = ["rolewatch-alerts.yml", "rolewatch-records.yml", "rolewatch-fleet.yml"].map((f) => fileURLToPath(new URL(`../../packaging/prometheus/${f}`, import.meta.url)));
const ADMIN = { AWS_ACCESS_KEY_ID: "AKIAROLEWATCHSIMADMN", AWS_SECRET_ACCESS_KEY: "rolewatchSimulatorAdminSecretKey/EXAMPLE" };

const INSTANCES = 200;
const PROFILES = 4;
const PROCESSES = 3;
const ACCOUNT_INTERVAL_S = 30; // account.interval's least value
// Scrapes and polls every 10 s: 200 agents and the simulator share two cores with the rest of the suite.
const SCRAPE_S = 10;
const EVAL_S = 10;
/** The bound of the issue: the account interval plus two scrape and evaluation intervals. */
const DETECTION_BOUND_S = ACCOUNT_INTERVAL_S + 2 * (SCRAPE_S + EVAL_S);
const SWAP_SECONDS = 120; // IMDS delivers a swap after this (54 minutes in the field)
const SWAPPED_PROFILE = "MyInPr-2";

interface Process {
  daemon: Daemon;
  instanceId: string;
  target: string;
}

async function started(daemon: Daemon, action: string): Promise<string> {
  const line = await daemon.waitForLine((l) => l.includes(`"${action}"`), 30_000);
  return new URL((JSON.parse(line) as { rolewatch: { config: { http: { url: string } } } }).rolewatch.config.http.url).host;
}

function prometheusConfig(agents: { instanceId: string; target: string }[], exporter: string): string {
  return YAML.stringify({
    global: { scrape_interval: `${SCRAPE_S}s`, scrape_timeout: `${SCRAPE_S}s`, evaluation_interval: `${EVAL_S}s` },
    rule_files: RULE_FILES,
    scrape_configs: [
      { job_name: "rolewatch", static_configs: agents.map((a) => ({ targets: [a.target], labels: { instance: a.instanceId } })) },
      { job_name: "rolewatch-account", static_configs: [{ targets: [exporter] }] },
    ],
  });
}

const seconds = (iso: string, since: number) => (Date.parse(iso) - since) / 1000;

describe(`fleet mode: Prometheus, one account exporter and ${INSTANCES} agents`, () => {
  let sim: Simulator;
  let inProcess: FleetAgents | undefined;
  const processes: Process[] = [];
  let exporter: Daemon | undefined;
  let prom: PromServer | undefined;
  const stateDirs: string[] = [];
  let swappedAt = 0;
  let expected: string[] = [];
  /** Every alert that fired and is not a swapped instance's drift. */
  const strays: PromAlert[] = [];
  const isSwapAlert = (a: PromAlert) => a.labels.alertname === "RolewatchDriftCritical" && a.labels.kind === "profile_role_mismatch" && expected.includes(a.labels.instance ?? "");
  const firing = async () => {
    const alerts = (await prom!.alerts()).filter((a) => a.state === "firing");
    strays.push(...alerts.filter((a) => !isSwapAlert(a)));
    return alerts.filter(isSwapAlert);
  };

  beforeAll(async () => {
    if (!prometheus.available) return;
    sim = await startSimulator({ awsPort: 0, fleet: { instances: INSTANCES, profiles: PROFILES, delays: { swapSeconds: SWAP_SECONDS } } });
    const env = cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl });
    const fleetArgs = ["--control-plane-source", "account", "--poll-interval", `${SCRAPE_S}s`];
    for (const e of sim.endpoints.slice(0, PROCESSES)) {
      const dir = await mkdtemp(join(tmpdir(), "rolewatch-fleet-mode-"));
      stateDirs.push(dir);
      const daemon = startRolewatch(["run", "--listen", "127.0.0.1:0", "--imds-endpoint", e.imdsUrl, "--state-dir", dir, ...fleetArgs], env);
      processes.push({ daemon, instanceId: e.instanceId, target: await started(daemon, "agent-started") });
    }
    inProcess = await startFleetAgents(sim.endpoints.slice(PROCESSES), { argv: fleetArgs, env, pollMs: SCRAPE_S * 1000 });
    exporter = startRolewatch(
      ["account", "--account-credentials", "environment", "--account-listen", "127.0.0.1:0", "--region", "us-east-1", "--account-interval", `${ACCOUNT_INTERVAL_S}s`],
      cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl, ...ADMIN }),
    );
    const exporterTarget = await started(exporter, "account-started");
    prom = await startPrometheus(prometheusConfig([...processes, ...inProcess.agents], exporterTarget));
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await Promise.all([...processes.map((p) => p.daemon.stop()), exporter?.stop(), inProcess?.stop()]);
    await sim?.close();
    await Promise.all(stateDirs.map((d) => rm(d, { recursive: true, force: true })));
  }, 60_000);

  it("sees every instance confirmed by STS and the whole account listed, and nothing alerts", async (ctx) => {
    requireTool(ctx, prometheus);
    const p = prom!;
    const count = async (expr: string) => (await p.query(expr))[0]?.value;
    await eventually(async () => ((await count('count(rolewatch_served_info{role_id!=""})')) === INSTANCES ? true : undefined), `${INSTANCES} instances confirmed`, 240_000, 1000);
    await eventually(async () => ((await count("count(rolewatch_account_association_info)")) === INSTANCES ? true : undefined), "every association listed", 90_000, 1000);
    expect(await count('count(rolewatch_account_profile_info{role!=""})')).toBe(PROFILES);
    expect(await p.query("instance:rolewatch_fleet_drift:join")).toEqual([]);
    expect(await firing()).toEqual([]);
    expect(strays).toEqual([]);
    expect(inProcess?.errors).toEqual([]);
  }, 360_000);

  it(`a role swapped in ${SWAPPED_PROFILE} pages for exactly its instances, each within ${DETECTION_BOUND_S} s, with at most one IAM call per account interval`, async (ctx) => {
    requireTool(ctx, prometheus);
    expected = [...sim.world.instances.values()].filter((i) => i.association?.profileName === SWAPPED_PROFILE).map((i) => i.instanceId).sort();
    expect(expected.length).toBe(INSTANCES / PROFILES);
    expect(expected).toContain(processes[1]?.instanceId); // a real process among them
    const before = sim.apiStats().calls;
    swappedAt = Date.now();
    sim.controlPlane.removeRoleFromInstanceProfile(SWAPPED_PROFILE, "RedRole-2");
    sim.controlPlane.addRoleToInstanceProfile(SWAPPED_PROFILE, "BlueRole");

    const alerts = await eventually(async () => {
      const now = await firing();
      return now.length >= expected.length ? now : undefined;
    }, `${expected.length} alerts firing`, (DETECTION_BOUND_S + 30) * 1000, 1000);
    const elapsed = (Date.now() - swappedAt) / 1000;
    expect(alerts.map((a) => a.labels.instance).sort()).toEqual(expected);
    const latencies = alerts.map((a) => seconds(a.activeAt, swappedAt)).sort((a, b) => a - b);
    console.log(`fleet detection latency over ${latencies.length} instances: min ${latencies[0]?.toFixed(1)} s, median ${latencies[latencies.length >> 1]?.toFixed(1)} s, max ${latencies.at(-1)?.toFixed(1)} s (bound ${DETECTION_BOUND_S} s)`);
    expect(latencies.at(-1)).toBeLessThanOrEqual(DETECTION_BOUND_S);
    for (const a of alerts) expect(a.labels).toMatchObject({ severity: "critical", job: "rolewatch", role: "RedRole-2", profile_arn: expect.stringMatching(/:instance-profile\/MyInPr-2$/) });

    const calls = sim.apiStats().calls;
    const made = (name: string) => (calls[name] ?? 0) - (before[name] ?? 0);
    const cycles = Math.ceil(elapsed / ACCOUNT_INTERVAL_S) + 1;
    expect(made("iam:ListInstanceProfiles")).toBeLessThanOrEqual(cycles); // one page: 4 profiles
    expect(made("iam:GetInstanceProfile")).toBe(0);
    expect(made("ec2:DescribeIamInstanceProfileAssociations")).toBeLessThanOrEqual(cycles);
    expect(strays).toEqual([]);
  }, 180_000);

  it("keeps paging until each instance's IMDS delivers the new role, then resolves them all", async (ctx) => {
    requireTool(ctx, prometheus);
    let earliestEnd: number | undefined;
    await eventually(async () => {
      const now = await firing();
      if (now.length < expected.length && earliestEnd === undefined) earliestEnd = Date.now();
      return now.length === 0 ? true : undefined;
    }, "the swap's alerts to resolve", (SWAP_SECONDS + 90) * 1000, 1000);
    expect(((earliestEnd ?? 0) - swappedAt) / 1000).toBeGreaterThanOrEqual(SWAP_SECONDS);
    const served = await prom!.query(`rolewatch_served_info{profile_arn=~".*/${SWAPPED_PROFILE}"}`);
    expect(served.map((s) => s.metric.role)).toEqual(expected.map(() => "BlueRole"));
    expect(strays).toEqual([]);
    expect(inProcess?.errors).toEqual([]);
    expect((await scrape(`http://${processes[1]!.target}`)).body).toMatch(/rolewatch_served_info\{[^}]*role="BlueRole"/);
  }, 300_000);
});
