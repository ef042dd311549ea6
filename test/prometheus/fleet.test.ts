import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { DRIFT_KINDS } from "../../src/drift/kinds.js";
import { defaultScenario, startSimulator, type Scenario, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, startRolewatch, type Daemon } from "../support/cli.js";
import { eventually, startPrometheus, type PromAlert, type PromServer } from "../support/prom-server.js";
import { findTool, requireTool } from "../support/require-tool.js";

/*
 * A fleet end to end: a real Prometheus, loaded with the shipped rule files
 * as they are, scrapes ten `rolewatch run` processes, each watching its own
 * simulated instance; one instance's role is swapped.
 *
 * What keeps it near 30 s: every step of the path runs each second (agent
 * poll, scrape, rule evaluation), and the critical drift alert has no `for`,
 * so it fires within seconds of the drift and needs no test copy of the
 * rules. The scenario delivers a swap after SWAP_SECONDS instead of EC2's
 * 54 minutes. The agent reads the control plane at start, on
 * its slot within the control-plane interval (a minute here, at most), and at
 * once when IMDS shows a change: a credential rotation right after the swap
 * (as IMDS does hourly) is such a change, so the swap is seen at the next poll.
 */

const prometheus = findTool("prometheus", "apt-get install prometheus");
const RULE_FILES = ["rolewatch-alerts.yml", "rolewatch-records.yml"].map((f) => fileURLToPath(new URL(`../../packaging/prometheus/${f}`, import.meta.url)));

const FLEET = 10;
const SWAPPED = 6;
// Long enough to see the alert fire on a loaded two-core machine, short enough to wait for its end.
const SWAP_SECONDS = 20;

interface Member {
  sim: Simulator;
  agent: Daemon;
  stateDir: string;
  instanceId: string;
  /** host:port of the agent's HTTP server. */
  target: string;
}

/** The field report's setup, on an instance of its own. */
function scenario(n: number): Scenario {
  const base = defaultScenario();
  const instanceId = `i-0f1ee7${String(n).padStart(11, "0")}`;
  return {
    ...base,
    instances: base.instances.map((i) => ({ ...i, instanceId, privateIp: `172.31.16.${10 + n}` })),
    delays: { swapSeconds: SWAP_SECONDS },
  };
}

async function startMember(n: number, started: Member[]): Promise<void> {
  const sim = await startSimulator({ awsPort: 0, scenario: scenario(n) });
  const stateDir = await mkdtemp(join(tmpdir(), "rolewatch-fleet-"));
  const agent = startRolewatch(
    ["run", "--listen", "127.0.0.1:0", "--poll-interval", "1s", "--control-plane-interval", "1m", "--state-dir", stateDir],
    cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl }),
  );
  const member = { sim, agent, stateDir, instanceId: sim.instanceId, target: "" };
  started.push(member);
  const line = await agent.waitForLine((l) => l.includes('"agent-started"'), 30_000);
  const url = (JSON.parse(line) as { rolewatch: { config: { http: { url: string } } } }).rolewatch.config.http.url;
  member.target = new URL(url).host;
}

/** Scraped and evaluated every second; `instance` is the instance id, as prometheus.example.yml relabels it. */
function prometheusConfig(members: Member[]): string {
  return YAML.stringify({
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    rule_files: RULE_FILES,
    scrape_configs: [
      {
        job_name: "rolewatch",
        static_configs: members.map((m) => ({ targets: [m.target], labels: { instance: m.instanceId } })),
      },
    ],
  });
}

const value = async (prom: PromServer, expr: string) => (await prom.query(expr))[0]?.value;

/** Waits until `expr` has `expected` as its only value: each scrape and each rule group runs on its own second. */
function valueBecomes(prom: PromServer, expr: string, expected: number, timeoutMs = 15_000): Promise<true> {
  return eventually(async () => ((await prom.query(expr)).map((s) => s.value).join() === String(expected) ? true : undefined), `${expr} == ${expected}`, timeoutMs);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a Prometheus with the shipped rules, scraping a fleet of ten agents", () => {
  const members: Member[] = [];
  let prom: PromServer | undefined;
  let promStartedAt = 0;
  let swappedAt = 0;
  /**
   * Alerts seen that are not the swapped instance's drift: any that fires,
   * and any drift alert even while pending. A health alert may pend for a
   * moment when a starved machine misses a 1 s scrape; its `for` is there so
   * that such a moment never fires.
   */
  const strays: PromAlert[] = [];
  const swapped = (): Member => {
    const member = members[SWAPPED];
    if (member === undefined) throw new Error("the fleet did not start");
    return member;
  };
  const isSwapAlert = (a: PromAlert) =>
    a.labels.alertname === "RolewatchDriftCritical" && a.labels.instance === swapped().instanceId && a.labels.kind === "profile_role_mismatch";
  const counts = (a: PromAlert) => a.state === "firing" || a.labels.alertname?.startsWith("RolewatchDrift");
  /** The alerts that count, now. */
  const alertsNow = async (p: PromServer) => {
    const alerts = (await p.alerts()).filter(counts);
    strays.push(...alerts.filter((a) => !isSwapAlert(a)));
    return alerts;
  };

  beforeAll(async () => {
    if (!prometheus.available) return;
    const starts = await Promise.allSettled(Array.from({ length: FLEET }, (_, n) => startMember(n, members)));
    const failed = starts.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    members.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    promStartedAt = Date.now();
    prom = await startPrometheus(prometheusConfig(members));
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await Promise.all(members.map((m) => m.agent.stop()));
    await Promise.all(members.map((m) => m.sim.close()));
    await Promise.all(members.map((m) => rm(m.stateDir, { recursive: true, force: true })));
  }, 30_000);

  it("scrapes every agent once each has observed, and nothing alerts while nothing drifts", async (ctx) => {
    requireTool(ctx, prometheus);
    const p = prom!;
    const ready = 'count(up{job="rolewatch"} == 1 and on (instance) rolewatch_imds_up == 1 and on (instance) rolewatch_last_observation_timestamp_seconds > 0)';
    await valueBecomes(p, ready, FLEET, 30_000);
    // The first scrapes may see an agent before its first poll (imds_up 0, no observation yet): those pend, then clear.
    await eventually(async () => ((await p.alerts()).length === 0 ? true : undefined), "no alert pending or firing", 30_000);
    for (const kind of DRIFT_KINDS) await valueBecomes(p, `kind:rolewatch_drift:sum{kind="${kind}"}`, 0);
  }, 60_000);

  it("pages for the swapped instance's profile_role_mismatch within seconds, and for nothing else", async (ctx) => {
    requireTool(ctx, prometheus);
    const p = prom!;
    const { sim, instanceId } = swapped();
    swappedAt = Date.now();
    sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    sim.rotateNow();

    const alerts = await eventually(async () => {
      const now = await alertsNow(p);
      return now.some((a) => a.state === "firing") ? now : undefined;
    }, "a firing alert", 30_000);
    const firedAfterMs = Date.now() - swappedAt;

    expect(alerts).toEqual([
      {
        labels: { alertname: "RolewatchDriftCritical", severity: "critical", job: "rolewatch", instance: instanceId, kind: "profile_role_mismatch" },
        annotations: {
          summary: `profile_role_mismatch drift on ${instanceId}`,
          description: expect.stringMatching(/^Open since \d{4}-\d\d-\d\d .*\. The instance still acts as its previous role/),
        },
        state: "firing",
        activeAt: expect.any(String),
        value: "1e+00",
      },
    ]);
    // Fired while IMDS still serves the old role: the alert covers the drift window, not only its end.
    expect(firedAfterMs).toBeLessThan(SWAP_SECONDS * 1000);
    await valueBecomes(p, 'kind:rolewatch_drift:sum{kind="profile_role_mismatch"}', 1);
    expect(strays).toEqual([]);
  }, 60_000);

  it("stops paging once IMDS delivers the profile's role, after the swap delay, and records how long it lasted", async (ctx) => {
    requireTool(ctx, prometheus);
    const p = prom!;
    const { instanceId } = swapped();
    await eventually(async () => ((await alertsNow(p)).some(isSwapAlert) ? undefined : true), "the alert to resolve", (SWAP_SECONDS + 30) * 1000);
    expect(Date.now() - swappedAt).toBeGreaterThanOrEqual(SWAP_SECONDS * 1000);
    expect(strays).toEqual([]);

    await valueBecomes(p, `rolewatch_drift_resolved_duration_seconds_count{instance="${instanceId}",kind="profile_role_mismatch"}`, 1);
    await valueBecomes(p, 'kind:rolewatch_drift:sum{kind="profile_role_mismatch"}', 0);
    const servedRole = `rolewatch_role_info{instance="${instanceId}",source="imds"}`;
    await eventually(async () => ((await p.query(servedRole)).map((s) => s.metric.role).join() === "BlueRole" ? true : undefined), "IMDS serving BlueRole", 15_000);

    // No other instance showed a drift in any scrape since Prometheus started.
    const window = `${Math.ceil((Date.now() - promStartedAt) / 1000) + 5}s`;
    expect(await value(p, `count(rolewatch_drift{instance!="${instanceId}"})`)).toBe((FLEET - 1) * DRIFT_KINDS.length);
    expect(await p.query(`max_over_time(rolewatch_drift{instance!="${instanceId}"}[${window}]) > 0`)).toEqual([]);
  }, 90_000);

  it("leaves no process behind: Prometheus and every agent exit 0 when asked to stop", async (ctx) => {
    requireTool(ctx, prometheus);
    const p = prom!;
    expect(await p.stop()).toBe(0);
    expect(await Promise.all(members.map((m) => m.agent.stop()))).toEqual(members.map(() => 0));
    expect(isAlive(p.pid)).toBe(false);
  }, 30_000);
});
