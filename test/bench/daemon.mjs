/**
 * rolewatch's side of the benchmark, in its own process: the harness
 * (run-harness.mjs: `run`'s wiring, polled on a scaled clock, or on a stepped
 * one for a simulated week) against a simulator on the same time base,
 * measured from outside through /proc; and the real `rolewatch run`, at its
 * own pace, for what it costs while it waits. Both run on the node given
 * (default this one) with the NODE_OPTIONS given, and read the configuration
 * file the packages install (packaging/config-yaml.mjs), as the unit does.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { cpuMicros, nodeEnv, pause, rssBytes } from "./measure.mjs";

const dist = new URL("../../dist/", import.meta.url);
const { ManualClock, scaledClock, systemClock } = await import(new URL("clock.js", dist).href);
const { defaultScenario, startSimulator } = await import(new URL("sim/index.js", dist).href);

const HARNESS = new URL("run-harness.mjs", import.meta.url).pathname;
const FLOOR = new URL("floor.mjs", import.meta.url).pathname;
const MAIN = new URL("main.js", dist).pathname;
/** Simulated time starts here in every run, so that two runs see the same world. */
const T0 = Date.parse("2026-11-29T08:00:00Z");
/** Idle time before RSS is read at a checkpoint: a daemon is read between polls. */
const SETTLE_MS = 150;
const SCRAPES = 200;

/** Only what rolewatch should see: no credentials or endpoints of the machine running the benchmark. */
export function cleanEnv(extra) {
  return nodeEnv([], extra);
}

let shippedConfig = null;
/** /etc/rolewatch/config.yaml as the packages install it (every option commented out), written once. */
function configFile() {
  if (shippedConfig) return shippedConfig;
  const dir = mkdtempSync(join(tmpdir(), "rolewatch-bench-config-"));
  shippedConfig = join(dir, "config.yaml");
  const text = execFileSync(process.execPath, [new URL("../../packaging/config-yaml.mjs", import.meta.url).pathname], { encoding: "utf8" });
  writeFileSync(shippedConfig, text);
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return shippedConfig;
}

/** A simulator of the field report's world, with `instanceId` as its instance when given. */
export function simulator(clock, instanceId) {
  const scenario = defaultScenario();
  if (instanceId) scenario.instances[0].instanceId = instanceId;
  return startSimulator({ clock, scenario, seed: "bench" });
}

/**
 * Runs the harness for `cycles` polls with `argv` (rolewatch run flags), one
 * poll interval of simulated time every `paceMs` of real time; or, with
 * `stepped`, on a manual clock that the harness moves one poll interval
 * before each poll and the simulator's follows, polls back to back (a
 * simulated week in minutes). Returns RSS at load and at each checkpoint (at
 * those in `gcAt`, also after a full garbage collection, with the live heap),
 * per-poll CPU and wall time, the process's CPU for SCRAPES scrapes of
 * /metrics, and what the simulator answered. `onCheckpoint(cycle)` runs while
 * the harness waits at a checkpoint; what it returns is kept with that
 * checkpoint.
 */
export async function driveHarness({ cycles, checkpoints, gcAt = [], onCheckpoint = async () => {}, argv = [], node = process.execPath, nodeOptions = [], pollIntervalMs, paceMs, stepped = false, instanceId }) {
  const scale = stepped ? null : pollIntervalMs / paceMs;
  const r0 = Date.now();
  const clock = stepped ? new ManualClock(T0) : scaledClock(scale, T0);
  const sim = await simulator(clock, instanceId);
  const stateDir = mkdtempSync(join(tmpdir(), "rolewatch-bench-"));
  const flags = ["--config", configFile(), "--imds-endpoint", sim.imdsUrl, "--state-dir", stateDir, "--listen", "127.0.0.1:0", "--poll-interval", `${pollIntervalMs / 1000}s`, ...argv];
  const child = spawn(node, [HARNESS, ...flags], {
    env: nodeEnv(nodeOptions, {
      AWS_ENDPOINT_URL: sim.awsUrl,
      BENCH_CLOCK: JSON.stringify(stepped ? { stepped: true, t0: T0 } : { scale, t0: T0, r0 }),
      BENCH_CYCLES: String(cycles),
      BENCH_CHECKPOINTS: checkpoints.join(","),
    }),
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  const out = collect(child);
  const result = { scale, paceMs: stepped ? null : paceMs, stepped, rss: [], eventLines: 0 };
  try {
    for await (const line of createInterface({ input: child.stdio[3] })) {
      const message = JSON.parse(line);
      if (message.tick !== undefined) {
        // The stepped clock: the simulator's time is the harness's before the poll that follows.
        clock.set(message.tick);
        child.stdin.write("go\n");
        continue;
      }
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
 * floor.mjs, `cycles` polls `paceMs` apart against a simulator: what a Node
 * poller pays with no library and no rolewatch code, on `node` with
 * `nodeOptions`. Its RSS (`bytes`), read after SETTLE_MS idle as the
 * harness's is, and the CPU of each of its polls (`pollCpuMicros`).
 */
export async function floorRun({ node = process.execPath, nodeOptions = [], cycles, paceMs }) {
  const sim = await simulator(systemClock);
  const child = spawn(node, [FLOOR, sim.imdsUrl, String(cycles), String(paceMs)], { env: nodeEnv(nodeOptions), stdio: ["ignore", "pipe", "pipe"] });
  const out = collect(child);
  try {
    const pollCpuMicros = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => line.startsWith("done ") && resolve(JSON.parse(line.slice(5))));
      child.on("close", (code) => reject(new Error(`floor.mjs exited ${code}: ${out.stderr()}`)));
    });
    await pause(SETTLE_MS);
    return { bytes: rssBytes(child.pid), pollCpuMicros };
  } finally {
    child.kill("SIGKILL");
    await sim.close();
  }
}

/**
 * The real `rolewatch run` (dist/main.js) at its defaults, against a
 * real-time simulator, left running in the background while the benchmark
 * does the rest: its CPU over that time (polls and the waits between them,
 * after its start-up) and its RSS, read from /proc.
 */
export async function startRealRun({ node = process.execPath, nodeOptions = [] } = {}) {
  const sim = await simulator(systemClock);
  const stateDir = mkdtempSync(join(tmpdir(), "rolewatch-bench-run-"));
  const child = spawn(node, [MAIN, "run", "--config", configFile(), "--imds-endpoint", sim.imdsUrl, "--state-dir", stateDir, "--listen", "127.0.0.1:0"], {
    env: nodeEnv(nodeOptions, { AWS_ENDPOINT_URL: sim.awsUrl }),
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
