/**
 * What rolewatch asks of IMDS and the APIs over hours, and how fast it sees a
 * role swap: the agent as `run` builds it (buildAgent, persisted state) and
 * the simulator in one process on a ManualClock, polled every 15 s of fake
 * time, as test/support/field.ts does. Counts are the simulator's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulator } from "./daemon.mjs";

const dist = new URL("../../dist/", import.meta.url);
const { buildAgent } = await import(new URL("agent/wire.js", dist).href);
const { ManualClock } = await import(new URL("clock.js", dist).href);
const { loadConfig } = await import(new URL("config.js", dist).href);
const { createEvents } = await import(new URL("observe/events.js", dist).href);
const { createMetrics } = await import(new URL("observe/metrics.js", dist).href);

const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const POLL = 15 * SECOND;

/** The simulator and the agent at its defaults, on one fake clock, events dropped. */
export async function fakeHost(instanceId) {
  const clock = new ManualClock();
  const sim = await simulator(clock, instanceId);
  const stateDir = mkdtempSync(join(tmpdir(), "rolewatch-bench-fake-"));
  const env = { AWS_ENDPOINT_URL: sim.awsUrl };
  const { config } = loadConfig({ argv: ["--imds-endpoint", sim.imdsUrl, "--state-dir", stateDir], env, readFile: () => null });
  const metrics = createMetrics({ version: "bench" });
  const events = createEvents({ clock, version: "bench", level: "info", destination: { write: () => {} } });
  const agent = buildAgent(config, { clock, env, random: () => 0.5, publish: { metrics, events, persist: true } });
  return {
    clock,
    sim,
    agent,
    config,
    /** rolewatch_drift{kind} as /metrics would export it now. */
    async drift(kind) {
      const { values } = await metrics.registry.getSingleMetric("rolewatch_drift").get();
      return values.find((v) => v.labels.kind === kind)?.value;
    },
    async close() {
      await sim.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Counts of one stats snapshot: token fetches, IMDS reads (GETs), STS, IAM and EC2 calls. */
function counts(sim) {
  const imds = sim.stats();
  const { calls } = sim.apiStats();
  return {
    tokenFetches: imds.tokenPuts,
    imdsReads: Object.values(imds.reads).reduce((a, b) => a + b, 0),
    imdsRejected: imds.rejected,
    sts: calls["sts:GetCallerIdentity"] ?? 0,
    iam: calls["iam:GetInstanceProfile"] ?? 0,
    ec2: calls["ec2:DescribeIamInstanceProfileAssociations"] ?? 0,
  };
}

const minus = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k] - b[k]]));

/**
 * `hours` hours of polls (240 an hour): the calls of each hour, and when each
 * IMDS token was fetched. Hour 0 holds the start (identity document, the first
 * STS and control-plane calls).
 */
export async function callsPerHour(hours) {
  const host = await fakeHost();
  try {
    const start = host.clock.now();
    const perHour = [];
    const tokenFetchedAt = [];
    let hourStart = counts(host.sim);
    let tokens = 0;
    for (let hour = 0; hour < hours; hour++) {
      for (let poll = 0; poll < HOUR / POLL; poll++) {
        await host.agent.poll();
        const puts = host.sim.stats().tokenPuts;
        if (puts > tokens) tokenFetchedAt.push((host.clock.now() - start) / HOUR);
        tokens = puts;
        host.clock.advance(POLL);
      }
      const now = counts(host.sim);
      perHour.push(minus(now, hourStart));
      hourStart = now;
    }
    return { perHour, tokenFetchedAt, tokenTtlSeconds: host.config.imds.tokenTtlSeconds, status: host.agent.last?.status };
  } finally {
    await host.close();
  }
}
