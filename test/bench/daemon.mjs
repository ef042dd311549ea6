/**
 * rolewatch's side of the benchmark, in its own process: the harness
 * (run-harness.mjs: `run`'s wiring, polled on a scaled clock) against a
 * simulator on the same time base, measured from outside through /proc; and
 * the real `rolewatch run`, at its own pace, for what it costs while it waits.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { cpuMicros, pause, rssBytes } from "./measure.mjs";

const dist = new URL("../../dist/", import.meta.url);
const { scaledClock, systemClock } = await import(new URL("clock.js", dist).href);
const { defaultScenario, startSimulator } = await import(new URL("sim/index.js", dist).href);

const HARNESS = new URL("run-harness.mjs", import.meta.url).pathname;
const MAIN = new URL("main.js", dist).pathname;
/** Simulated time starts here in every run, so that two runs see the same world. */
const T0 = Date.parse("2026-11-29T08:00:00Z");
/** Idle time before RSS is read at a checkpoint: a daemon is read between polls. */
const SETTLE_MS = 150;
const SCRAPES = 200;

/** Only what rolewatch should see: no credentials or endpoints of the machine running the benchmark. */
export function cleanEnv(extra) {
  const env = {};
  for (const key of ["PATH", "HOME", "LANG", "TMPDIR"]) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...extra };
}

/** A simulator of the field report's world, with `instanceId` as its instance when given. */
export function simulator(clock, instanceId) {
  const scenario = defaultScenario();
  if (instanceId) scenario.instances[0].instanceId = instanceId;
  return startSimulator({ clock, scenario, seed: "bench" });
}

/**
 * Runs the harness for `cycles` polls with `argv` (rolewatch run flags), one
 * poll interval of simulated time every `paceMs` of real time. Returns RSS at
 * load and at each checkpoint (at those in `gcAt`, also after a full garbage
 * collection, with the live heap), per-poll CPU and wall time, the process's
 * CPU for SCRAPES scrapes of /metrics, and what the simulator answered.
 * `onCheckpoint(cycle)` runs while the harness waits at a checkpoint; what it
 * returns is kept with that checkpoint.
 */
export async function driveHarness({ cycles, checkpoints, gcAt = [], onCheckpoint = async () => {}, argv = [], nodeArgs = [], pollIntervalMs, paceMs, instanceId }) {
  const scale = pollIntervalMs / paceMs;
  const r0 = Date.now();
  const clock = scaledClock(scale, T0);
  const sim = await simulator(clock, instanceId);
  const stateDir = mkdtempSync(join(tmpdir(), "rolewatch-bench-"));
  const child = spawn(process.execPath, [...nodeArgs, HARNESS, "--imds-endpoint", sim.imdsUrl, "--state-dir", stateDir, "--listen", "127.0.0.1:0", "--poll-interval", `${pollIntervalMs / 1000}s`, ...argv], {
    env: cleanEnv({
      AWS_ENDPOINT_URL: sim.awsUrl,
      BENCH_CLOCK: JSON.stringify({ scale, t0: T0, r0 }),
      BENCH_CYCLES: String(cycles),
      BENCH_CHECKPOINTS: checkpoints.join(","),
    }),
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  const out = collect(child);
  const result = { scale, paceMs, rss: [], eventLines: 0 };
  try {
    for await (const line of createInterface({ input: child.stdio[3] })) {
      const message = JSON.parse(line);
      await pause(SETTLE_MS);
      if (message.started) Object.assign(result, { url: message.url, rssLoaded: rssBytes(child.pid) });
      if (message.checkpoint) {
        result.rss.push({ cycle: message.checkpoint, bytes: rssBytes(child.pid), companion: await onCheckpoint(message.checkpoint) });
      }
      if (message.gc) {
        const { heapUsed, heapTotal, objectsUsed, codeUsed } = message;
        result.rss.at(-1).afterGc = { bytes: rssBytes(child.pid), heapUsed, heapTotal, objectsUsed, codeUsed };
      }
      if (message.done) Object.assign(result, finished(message), await afterRun(child.pid, result.url, sim));
      child.stdin.write(message.checkpoint && gcAt.includes(message.checkpoint) ? "gc\n" : "go\n");
    }
    const code = await out.exited;
    if (code !== 0) throw new Error(`the harness exited ${code}: ${out.stderr()}`);
    return { ...result, eventLines: out.lines() };
  } finally {
    child.kill("SIGKILL");
    await sim.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function finished(message) {
  const { cycles, skipped, realSeconds, loopCpuMicros, cpuMicros: perPoll, wallMs, status } = message;
  return { cycles, skipped, realSeconds, loopCpuMicros, perPollCpuMicros: perPoll, wallMs, status };
}

/** At the end, idle: the final RSS, what SCRAPES scrapes of /metrics cost, and the simulator's counts. */
async function afterRun(pid, url, sim) {
  const rssFinal = rssBytes(pid);
  const metricsText = await (await fetch(`${url}/metrics`)).text();
  const before = cpuMicros(pid);
  for (let i = 0; i < SCRAPES; i++) await (await fetch(`${url}/metrics`)).text();
  const scrapeCpuMicros = (cpuMicros(pid) - before) / SCRAPES;
  return { rssFinal, metrics: parseMetrics(metricsText), metricsBytes: metricsText.length, scrapeCpuMicros, imds: sim.stats(), api: sim.apiStats() };
}

/** `name{labels}` → value, for the lines of a Prometheus text exposition. */
function parseMetrics(text) {
  const values = {};
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values[match[1]] = Number(match[2]);
  }
  return values;
}

/**
 * The real `rolewatch run` (dist/main.js) at its defaults, against a
 * real-time simulator, left running in the background while the benchmark
 * does the rest: its CPU over that time (polls and the waits between them,
 * after its start-up) and its RSS, read from /proc.
 */
export async function startRealRun({ nodeArgs = [] } = {}) {
  const sim = await simulator(systemClock);
  const stateDir = mkdtempSync(join(tmpdir(), "rolewatch-bench-run-"));
  const child = spawn(process.execPath, [...nodeArgs, MAIN, "run", "--imds-endpoint", sim.imdsUrl, "--state-dir", stateDir, "--listen", "127.0.0.1:0"], {
    env: cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = collect(child);
  const polls = () => sim.stats().reads["/latest/meta-data/iam/info"] ?? 0;
  const close = async () => {
    child.kill("SIGKILL");
    await sim.close();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    while (polls() < 1) {
      if (out.code() !== undefined) throw new Error(`rolewatch run exited ${out.code()}: ${out.stderr()}`);
      await pause(10);
    }
    await pause(2000); // past the start's one-off work
  } catch (error) {
    await close();
    throw error;
  }
  const from = { at: performance.now(), cpu: cpuMicros(child.pid), polls: polls() };
  return {
    async stop() {
      try {
        const seconds = (performance.now() - from.at) / 1000;
        const measured = { seconds, polls: polls() - from.polls, cpuMicrosPerSecond: (cpuMicros(child.pid) - from.cpu) / seconds, rss: rssBytes(child.pid) };
        child.kill("SIGTERM");
        return { ...measured, exitCode: await out.exited, api: sim.apiStats() };
      } finally {
        await close();
      }
    },
  };
}

/** Drains a child's stdout (counting lines) and stderr. */
function collect(child) {
  let lines = 0;
  let stderr = "";
  let code;
  createInterface({ input: child.stdout }).on("line", () => lines++);
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on("close", (c) => resolve((code = c))));
  return { exited, lines: () => lines, stderr: () => stderr, code: () => code };
}
