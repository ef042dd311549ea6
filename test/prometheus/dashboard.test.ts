/**
 * The Grafana dashboard's queries, as Grafana would send them, against a real Prometheus that
 * scraped a small simulated fleet through a role swap: two agents in local mode, two in fleet
 * mode (controlPlane.source: account) and the account exporter, all on one simulated account.
 * One profile's role is swapped; the local agent on it opens profile_role_mismatch, the fleet
 * agent on it shows in the documented join, and both end when IMDS delivers the new role.
 *
 * A dashboard is looked at during an incident and after it: each query must return data at one
 * of those two moments (an open drift's table while it is open, a resolved drift's duration after).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { startSimulator, type InstanceEndpoint, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, startRolewatch, type Daemon } from "../support/cli.js";
import { loadDashboard, queriesOf, substitute } from "../support/dashboard.js";
import { eventually, startPrometheus, type PromServer } from "../support/prom-server.js";
import { findTool, requireTool } from "../support/require-tool.js";

const prometheus = findTool("prometheus", "apt-get install prometheus");
const ADMIN = { AWS_ACCESS_KEY_ID: "AKIAROLEWATCHSIMADMN", AWS_SECRET_ACCESS_KEY: "rolewatchSimulatorAdminSecretKey/EXAMPLE" };
const JOB = "rolewatch";
const ACCOUNT_JOB = "rolewatch-account";

interface Started {
  daemon: Daemon;
  /** host:port of its HTTP server. */
  target: string;
}

async function started(daemon: Daemon, action: string): Promise<Started> {
  const line = await daemon.waitForLine((l) => l.includes(`"${action}"`), 30_000);
  const url = (JSON.parse(line) as { rolewatch: { config: { http: { url: string } } } }).rolewatch.config.http.url;
  return { daemon, target: new URL(url).host };
}

function startAgent(sim: Simulator, endpoint: InstanceEndpoint, fleetMode: boolean): Promise<Started> {
  const args = ["run", "--listen", "127.0.0.1:0", "--poll-interval", "1s", "--control-plane-interval", "1m", "--imds-endpoint", endpoint.imdsUrl,
    "--state-dir", mkdtempSync(join(tmpdir(), "rolewatch-dashboard-")), ...(fleetMode ? ["--control-plane-source", "account"] : [])];
  return started(startRolewatch(args, cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl })), "agent-started");
}

function startExporter(sim: Simulator): Promise<Started> {
  const args = ["account", "--account-credentials", "environment", "--account-listen", "127.0.0.1:0", "--region", "us-east-1", "--account-interval", "30s"];
  return started(startRolewatch(args, cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl, ...ADMIN })), "account-started");
}

/** Every second; `instance` is the instance id, as packaging/prometheus/prometheus.example.yml relabels it. */
function prometheusConfig(agents: { target: string; instanceId: string }[], exporter: Started): string {
  return YAML.stringify({
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    scrape_configs: [
      { job_name: JOB, static_configs: agents.map((a) => ({ targets: [a.target], labels: { instance: a.instanceId } })) },
      { job_name: ACCOUNT_JOB, static_configs: [{ targets: [exporter.target] }] },
    ],
  });
}

const queries = queriesOf(loadDashboard());

/** The names of the queries that return data now; range queries over the run so far, as the dashboard's time range. */
async function withData(prom: PromServer, from: number): Promise<Set<string>> {
  const now = Date.now();
  const values = { job: JOB, instance: ".*", account_job: ACCOUNT_JOB, __rate_interval: "1m", __interval: "2s", __range: `${Math.ceil((now - from) / 1000)}s` };
  const answered = new Set<string>();
  for (const { target, name } of queries) {
    const expr = substitute(target.expr, values);
    const series = target.instant ? await prom.query(expr) : await prom.queryRange(expr, from, now, 1);
    if (series.length > 0) answered.add(name);
  }
  return answered;
}

const byTitle = (title: string) => queries.find((q) => q.panel.title === title)?.target.expr ?? `no panel ${title}`;

describe("the Grafana dashboard's queries, against a Prometheus that scraped a fleet through a swap", () => {
  let sim: Simulator | undefined;
  let prom: PromServer | undefined;
  const daemons: Daemon[] = [];
  const fleet: { instanceId: string; profile: string; fleetMode: boolean; endpoint: InstanceEndpoint }[] = [];
  let from = 0;

  beforeAll(async () => {
    if (!prometheus.available) return;
    const s = (sim = await startSimulator({ awsPort: 0, fleet: { instances: 4, profiles: 2 } }));
    const profileOf = (id: string) => s.world.instances.get(id)?.association?.profileName ?? "";
    fleet.push(...s.endpoints.map((endpoint, i) => ({ instanceId: endpoint.instanceId, profile: profileOf(endpoint.instanceId), fleetMode: i >= 2, endpoint })));
    const agents = await Promise.all(fleet.map(async (m) => ({ ...(await startAgent(s, m.endpoint, m.fleetMode)), instanceId: m.instanceId })));
    const exporter = await startExporter(s);
    daemons.push(...agents.map((a) => a.daemon), exporter.daemon);
    from = Date.now();
    prom = await startPrometheus(prometheusConfig(agents, exporter));
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await Promise.all(daemons.map((d) => d.stop()));
    await sim?.close();
  }, 30_000);

  it("returns data from every panel's query, during the drift or after it", async (ctx) => {
    requireTool(ctx, prometheus);
    const p = prom!;
    const world = sim!;
    const first = async (expr: string) => (await p.query(expr))[0]?.value;
    await eventually(async () => ((await first(`count(up == 1 and on (instance) rolewatch_last_observation_timestamp_seconds > 0)`)) === 4 ? true : undefined), "four agents observed", 30_000);
    await eventually(async () => ((await first(`min(rolewatch_account_up{api="iam"})`)) === 1 ? true : undefined), "the account exporter's first cycle", 30_000);

    const [local, other] = fleet;
    const shared = fleet.find((m) => m.fleetMode && m.profile === local?.profile);
    expect(shared, "a fleet-mode agent on the local agent's profile").toBeDefined();
    expect(other?.profile).not.toBe(local?.profile);
    const role = [...world.world.instanceProfiles.values()].find((ip) => ip.name === local?.profile)?.role ?? "";
    world.controlPlane.removeRoleFromInstanceProfile(local!.profile, role);
    world.controlPlane.addRoleToInstanceProfile(local!.profile, "BlueRole");
    local!.endpoint.control.rotateNow();

    const drift = `rolewatch_drift{instance="${local!.instanceId}",kind="profile_role_mismatch"}`;
    await eventually(async () => ((await first(drift)) === 1 ? true : undefined), "the local agent's drift", 30_000);
    const joined = substitute(byTitle("Fleet-mode drift, by instance"), { job: JOB, instance: ".*", account_job: ACCOUNT_JOB });
    const joinedNow = async () => (await p.query(joined)).map((s) => `${s.metric.instance} ${s.metric.drift}`).join();
    await eventually(async () => ((await joinedNow()) === `${shared!.instanceId} role` ? true : undefined), "the fleet-mode agent in the join", 60_000);
    // A range query's points are a step apart: wait until the timeline has one in the drift.
    await eventually(async () => ((await p.queryRange(joined, from, Date.now(), 1)).length > 0 ? true : undefined), "the join in the timeline", 15_000);
    const during = await withData(p, from);

    for (const m of fleet.filter((f) => f.profile === local!.profile)) m.endpoint.control.deliver("BlueRole");
    const resolved = `rolewatch_drift_resolved_duration_seconds_count{instance="${local!.instanceId}",kind="profile_role_mismatch"}`;
    await eventually(async () => ((await first(resolved)) === 1 ? true : undefined), "the local agent's drift resolved", 30_000);
    await eventually(async () => ((await joinedNow()) === "" ? true : undefined), "the join empty once STS confirms the new role", 30_000);
    // One more scrape of the resolved state, so that the range queries see it.
    await eventually(async () => ((await first(`max_over_time(${drift}[3s])`)) === 0 ? true : undefined), "a drift-free scrape", 15_000);
    const after = await withData(p, from);

    expect(queries.map((q) => q.name).filter((n) => !during.has(n) && !after.has(n))).toEqual([]);
    // What the drift panels show: the swapped instance, and a duration within the first bucket (1 minute).
    const p50 = substitute(byTitle("Drift duration p50, by kind"), { job: JOB, instance: ".*", __range: `${Math.ceil((Date.now() - from) / 1000)}s` });
    const durations = await p.query(p50);
    expect(durations.map((s) => s.metric.kind)).toEqual(["profile_role_mismatch"]);
    expect(durations[0]?.value).toBeGreaterThan(0);
    expect(durations[0]?.value).toBeLessThanOrEqual(60);
    const timeline = await p.queryRange(substitute(byTitle("Drift timeline, by instance"), { job: JOB, instance: ".*" }), from, Date.now(), 1);
    expect(timeline.filter((s) => s.values.includes(1)).map((s) => s.metric.instance)).toEqual([local!.instanceId]);
    // The fleet-mode timeline: the swapped profile's instance, and no instance before the exporter's first listing.
    const fleetTimeline = await p.queryRange(joined, from, Date.now(), 1);
    expect(fleetTimeline.map((s) => `${s.metric.instance} ${s.metric.drift}`)).toEqual([`${shared!.instanceId} role`]);
  }, 240_000);
});
