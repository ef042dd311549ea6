#!/usr/bin/env node
/**
 * `rolewatch run`, polled as fast as a benchmark needs. Child process of
 * test/bench/bench.mjs; not for people.
 *
 * It builds the daemon with startDaemon(), as src/cli/run.ts does, from the
 * built modules, and then calls PollLoop.tick(), the function
 * the schedule calls, once per poll interval of a scaled clock (the product's
 * scaledClock, on the same time base as the simulator's), so that the STS and
 * control-plane cadences, the credential rotations and the token TTL happen at
 * their rates in simulated time. Only the trigger differs from `run`: a paced
 * loop of its own instead of PollLoop.start's sleeps, so that each poll's CPU
 * can be measured apart and the harness can wait at a checkpoint.
 *
 *   BENCH_CLOCK='{"scale":750,"t0":…,"r0":…}' BENCH_CYCLES=1000 BENCH_CHECKPOINTS=100,1000 \
 *     node test/bench/run-harness.mjs [rolewatch run flags]   3>report
 *
 * Reports JSON lines on fd 3; after each, waits for one line on stdin (the
 * benchmark reads /proc meanwhile): "go", or "gc" for a full garbage
 * collection and a report of the live heap. Log events go to stdout, as in
 * `run`. bench.mjs checks that the lines from loadConfig to `new PollLoop`
 * are still run.ts's.
 */
import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const dist = new URL("../../dist/", import.meta.url);
const load = (path) => import(new URL(path, dist).href);
// The modules `rolewatch run` loads, run.js itself included, so that the module graph in memory is the same.
await load("cli/run.js");
const { ManualClock, scaledClock } = await load("clock.js");
const { startDaemon } = await load("agent/daemon.js");

const REPORT_FD = 3;
const report = (message) => writeSync(REPORT_FD, `${JSON.stringify(message)}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
/** Waits for "go". "gc" first: a full garbage collection, then the live heap is reported. */
const resume = async () => {
  for (;;) {
    const next = await lines.next();
    if (next.done) process.exit(1); // the benchmark went away
    if (next.value !== "gc") return;
    await fullGc();
    const { heapUsed, heapTotal, external } = process.memoryUsage();
    // Compiled code grows as V8 optimizes hot functions; objects a leak would keep live in the other spaces.
    const spaces = getHeapSpaceStatistics();
    const used = (code) => spaces.filter((x) => x.space_name.includes("code") === code).reduce((sum, x) => sum + x.space_used_size, 0);
    report({ gc: true, heapUsed, heapTotal, external, objectsUsed: used(false), codeUsed: used(true) });
  }
};
let gc = null;
/**
 * Only when the benchmark asks, between polls: `run` has no --expose-gc, so it
 * is switched on here, late. Twice, with a pause between: what the first
 * collection frees is only released once FinalizationRegistry callbacks (those
 * of AbortSignal.timeout among them) have run.
 */
async function fullGc() {
  if (!gc) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc");
  }
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
}

const shared = JSON.parse(process.env.BENCH_CLOCK ?? "null");
if (!shared) throw new Error("BENCH_CLOCK is not set");
const clock = shared.stepped ? new ManualClock(shared.t0) : scaledClock(shared.scale, shared.t0 + (Date.now() - shared.r0) * shared.scale);
const cycles = Number(process.env.BENCH_CYCLES ?? 1000);
const checkpoints = new Set((process.env.BENCH_CHECKPOINTS ?? "").split(",").filter(Boolean).map(Number));

// The daemon as `rolewatch run` builds it (src/agent/daemon.ts), ticked here instead of by its schedule.
const { config, agent, http, loop } = await startDaemon({ argv: process.argv.slice(2), env: process.env, clock });

report({ started: true, url: http.url, pid: process.pid, pollIntervalMs: config.poll.intervalMs });
await resume();

const cpuMicros = [];
const wallMs = [];
const interval = config.poll.intervalMs;
const loopStart = process.cpuUsage();
const realStart = performance.now();
let skipped = 0;
let pausedMicros = 0; // while the benchmark reads /proc and /metrics at a checkpoint
let last = -Infinity;
let paused = true;
for (let cycle = 1; cycle <= cycles; cycle++) {
  // The next time on the interval's grid, as the schedule polls; a time missed while a poll ran is skipped, as the schedule skips it.
  const next = Math.max(last + interval, Math.ceil(clock.now() / interval) * interval);
  if (!paused) skipped += (next - last) / interval - 1;
  if (shared.stepped) {
    clock.set(next);
    report({ tick: next });
    await resume();
  } else if (next > clock.now()) {
    await clock.sleep(next - clock.now());
  }
  last = next;
  const before = process.cpuUsage();
  const started = performance.now();
  await loop.tick();
  const used = process.cpuUsage(before);
  wallMs.push(performance.now() - started);
  cpuMicros.push(used.user + used.system);
  paused = checkpoints.has(cycle);
  if (paused) {
    const before = process.cpuUsage();
    report({ checkpoint: cycle });
    await resume();
    pausedMicros += total(process.cpuUsage(before));
  }
}
const whole = process.cpuUsage(loopStart);
report({
  done: true,
  cycles,
  skipped,
  realSeconds: (performance.now() - realStart) / 1000,
  loopCpuMicros: total(whole) - pausedMicros,
  cpuMicros,
  wallMs,
  status: agent.last?.status ?? null,
});
await resume();
await loop.stop();
await http.close();
process.exit(0);

function total(usage) {
  return usage.user + usage.system;
}
