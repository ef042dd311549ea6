#!/usr/bin/env node
/**
 * `npm run bench`: what rolewatch costs on a host, beside the naive
 * alternative (a cron job running curl and the aws CLI), measured in one run
 * against the simulator on loopback (docs/contract.md, Quality bars). Prints a table
 * and writes the same figures to out/bench.json. Linux only (/proc). Runs the
 * built modules: `npm run bench` builds first.
 *
 * Memory and CPU are measured on two runtimes, side by side: the Node.js 24
 * the packages ship (packaging/node-runtime.sh) and the node running the
 * benchmark; each runs rolewatch, and the empty baseline, with the unit's
 * NODE_OPTIONS (systemd/rolewatch.service), set as the unit sets them.
 *
 *   1. memory: RSS of `run`'s code (the harness, run-harness.mjs) after 1,000
 *      polls, read from /proc, beside an empty Node process's; growth from
 *      poll 100 to 1,000, and the live heap after a full GC; on the shipped
 *      Node, also RSS over a simulated week of polls (a stepped clock)
 *   2. CPU: per poll (harness, process.cpuUsage around each poll), and all-in
 *      (the real `rolewatch run` at its defaults, running in the background
 *      meanwhile, /proc), beside one naive cycle (bash `times`: the script and
 *      all it ran) run at every checkpoint of the harness
 *   3. calls per hour at the defaults, counted by the simulator (fake clock)
 *   4. detection latency of a role swap (fake clock)
 *   5. fleet mode (fleet.mjs): IAM and EC2 calls per second for accounts of
 *      1,000, 10,000 and 100,000 instances, beside local mode's; detection
 *      latency (computed); the RSS of `rolewatch sim --instances 1000`
 *
 * Environment: BENCH_FAST=1 (a few polls of each part, to check that the
 * benchmark runs: its figures mean nothing), BENCH_CYCLES (default 1000),
 * BENCH_WEEK_POLLS (default 40,320: 7 days of 15 s polls), BENCH_TRIALS
 * (default 30), BENCH_NODE_OPTIONS (node flags instead of the unit's; "" for
 * none), BENCH_OUT (default out/bench.json), BENCH_FLEET_SIZES (default
 * 1000,10000,100000; 1000 with BENCH_FAST=1), BENCH_FLEET_ONLY=1 (only the fleet section, local mode's
 * calls from a 13 h fake-clock run, written to out/bench-fleet.json).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { driveHarness, floorRun, startRealRun } from "./daemon.mjs";
import { detectionTrials, worstCases } from "./detect.mjs";
import { callsPerHour } from "./fake-time.mjs";
import { round } from "./figures.mjs";
import { FLEET_SIZES, measureFleet } from "./fleet.mjs";
import { fleetFigures, renderFleet } from "./fleet-report.mjs";
import { idleNodeRss, median } from "./measure.mjs";
import { naiveMissing, naiveSampler } from "./naive.mjs";
import { compareRuns, figuresOf, render } from "./report.mjs";
import { runtimes } from "./runtimes.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const FAST = process.env.BENCH_FAST === "1";
const CYCLES = Number(process.env.BENCH_CYCLES ?? (FAST ? 100 : 1000));
const WEEK_POLLS = Number(process.env.BENCH_WEEK_POLLS ?? (FAST ? 1500 : 7 * 24 * 240));
const TRIALS = Number(process.env.BENCH_TRIALS ?? (FAST ? 2 : 30));
const HOURS = FAST ? 2 : 13;
const every = (step, last) => Array.from({ length: Math.floor(last / step) }, (_, i) => (i + 1) * step);
const CHECKPOINTS = every(50, CYCLES);
/** Real time per poll: one poll interval of simulated time. Slower than a poll takes, so polls stay on their grid. */
const PACE_MS = 40;
const FULL_CYCLE_PACE_MS = 60;
/** Each API's interval shorter than the poll interval: every poll calls STS, IAM and EC2. */
const FULL_CYCLE_FLAGS = ["--sts-interval", "1m", "--control-plane-interval", "1m"];
const FULL_CYCLES = FAST ? 20 : 300;
const FULL_CHECKPOINTS = FAST ? [10, 20] : every(50, FULL_CYCLES);
/** The week's readings: poll 1,000 (where the 1,000-poll run ends), then each simulated day. */
const WEEK_FROM = Math.min(1000, WEEK_POLLS);
const WEEK_CHECKPOINTS = [...new Set([WEEK_FROM, ...every(FAST ? 500 : 24 * 240, WEEK_POLLS), WEEK_POLLS])].sort((a, b) => a - b);

/**
 * What any such agent must load, alone in an idle Node process: TLS for the
 * signed AWS calls, and the builtins of the floor (floor.mjs). Then each
 * dependency `run` loads, alone; then all of `run`'s modules.
 */
const BUILTINS = `process.getBuiltinModule("node:https"); process.getBuiltinModule("node:crypto"); process.getBuiltinModule("node:http").createServer().listen(0, "127.0.0.1")`;
const IMPORTS = {
  "node:https (TLS), nothing else": `process.getBuiltinModule("node:https")`,
  "the floor's builtins, an idle HTTP server, no poll": BUILTINS,
  "prom-client": `await import("prom-client")`,
  pino: `await import("pino")`,
  yaml: `await import("yaml")`,
  "all of run's modules (dist/cli/run.js)": `await import("./dist/cli/run.js")`,
};

async function step(name, fn) {
  const started = performance.now();
  process.stderr.write(`bench: ${name} ...`);
  const result = await fn();
  process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

function machine() {
  const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
  return { nproc: os.availableParallelism(), cpu: model, node: process.version, kernel: os.release(), loadAverage: os.loadavg() };
}

/** Memory and CPU of rolewatch on one runtime, with a naive cycle at each checkpoint of its harnesses. */
async function onRuntime(rt, naive, week) {
  const where = { node: rt.node, nodeOptions: rt.nodeOptions };
  const name = (what) => `node ${rt.version}: ${what}`;
  const r = {};
  r.emptyNodeRss = await step(name("empty Node process RSS (3 runs)"), async () => [await idleNodeRss("", where), await idleNodeRss("", where), await idleNodeRss("", where)]);
  r.imports = await step(name("RSS of each module run loads"), async () => {
    const out = {};
    for (const [module, code] of Object.entries(IMPORTS)) out[module] = await idleNodeRss(code, { cwd: repo, ...where });
    return out;
  });
  r.floor = await step(name(`floor: ${CYCLES} polls of a Node process with no library and no rolewatch code`), () => floorRun({ ...where, cycles: CYCLES, paceMs: PACE_MS }));
  r.harness = await step(name(`harness, defaults, ${CYCLES} polls, a naive cycle every 50`), () =>
    driveHarness({
      ...where, cycles: CYCLES, checkpoints: CHECKPOINTS, gcAt: [100, CYCLES].filter((c) => c <= CYCLES), pollIntervalMs: 15_000, paceMs: PACE_MS,
      onCheckpoint: async () => naive?.sample(1),
    }));
  r.fullCycles = await step(name(`harness, every poll a full cycle (STS, IAM, EC2), ${FULL_CYCLES} polls, a naive cycle at each checkpoint`), () =>
    driveHarness({
      ...where, cycles: FULL_CYCLES, checkpoints: FULL_CHECKPOINTS, argv: FULL_CYCLE_FLAGS, pollIntervalMs: 120_000, paceMs: FULL_CYCLE_PACE_MS,
      onCheckpoint: async () => naive?.sample(1),
    }));
  if (week) {
    const week = await step(name(`a simulated week: ${WEEK_POLLS} polls back to back on a stepped clock`), () =>
      driveHarness({ ...where, cycles: WEEK_POLLS, checkpoints: WEEK_CHECKPOINTS, gcAt: [WEEK_FROM, WEEK_POLLS], pollIntervalMs: 15_000, stepped: true }));
    r.week = { ...week, from: WEEK_FROM };
  }
  return r;
}

async function measureAll() {
  const missing = naiveMissing();
  if (missing && process.env.CI === "true") throw new Error(`the naive alternative cannot run: ${missing}`);
  const list = await step("runtimes (the packages' Node fetched into out/node/ on first use)", async () => runtimes(repo));
  const r = { machine: machine(), fast: FAST, started: new Date().toISOString(), runtimes: list.map(({ id, label, node, version, nodeOptions, from }) => ({ id, label, node, version, nodeFlags: { from, args: nodeOptions } })) };
  // One naive cycle at each checkpoint of the harnesses: each meets the background load the polls just before it met.
  const naive = missing ? null : await step("naive alternative, first cycle (not counted)", () => naiveSampler());
  const backgrounds = await step("real `rolewatch run` on each runtime started, left running", () => Promise.all(list.map((rt) => startRealRun({ node: rt.node, nodeOptions: rt.nodeOptions }))));
  try {
    for (const [i, rt] of list.entries()) {
      const before = naive?.count() ?? 0;
      Object.assign(r.runtimes[i], await onRuntime(rt, naive, rt.id === "shipped"));
      r.runtimes[i].naiveCycles = naive ? [before, naive.count()] : null;
    }
    r.naive = naive ? naive.result() : { skipped: missing };
    r.hours = await step(`${HOURS} hours of polls on a fake clock`, () => callsPerHour(HOURS));
    r.detection = await step(`${TRIALS} role swaps on a fake clock`, () => detectionTrials(TRIALS));
    r.worstCases = await step("role swaps right after a control-plane read", () => worstCases());
  } finally {
    const stopped = await Promise.all(backgrounds.map((b) => b.stop()));
    stopped.forEach((run, i) => (r.runtimes[i].realRun = run));
    await naive?.close();
  }
  r.machine.loadAverageAfter = os.loadavg();
  return r;
}

/** The fleet section last, alone on the machine: it builds worlds of up to 100,000 instances. */
async function measureFleetSection(perInstancePerHour) {
  const fleet = await step(`fleet: account cycles of ${FLEET_SIZES.join(", ")} instances; rolewatch sim --instances 1000`, () => measureFleet());
  return { raw: fleet, figures: fleetFigures(fleet, perInstancePerHour) };
}

/** BENCH_FLEET_ONLY=1: local mode's per-instance calls from the fake clock alone, then the fleet section. */
async function fleetOnly() {
  const hours = await step("13 hours of polls on a fake clock", () => callsPerHour(13));
  const steady = hours.perHour.slice(1);
  const perHour = (key) => round(steady.reduce((sum, h) => sum + h[key], 0) / steady.length, 2);
  const { raw, figures } = await measureFleetSection({ iam: perHour("iam"), ec2: perHour("ec2") });
  process.stdout.write(renderFleet(figures, null));
  const file = resolve(repo, "out/bench-fleet.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ figures: { fleet: figures }, raw: { hours, fleet: raw } }, null, 2)}\n`);
}

if (process.env.BENCH_FLEET_ONLY === "1") {
  await fleetOnly();
  process.exit(0);
}

const raw = await measureAll();
const figures = figuresOf(raw);
process.stdout.write(render(figures));
const fleet = await measureFleetSection(figures.calls.perInstancePerHour);
raw.fleet = fleet.raw;
figures.fleet = fleet.figures;
const worstLocal = Math.max(figures.detection.detectSeconds.max, ...Object.values(figures.detection.worstCases).map((w) => w.detectSeconds));
process.stdout.write(renderFleet(fleet.figures, worstLocal));
const file = resolve(repo, process.env.BENCH_OUT ?? "out/bench.json");
mkdirSync(dirname(file), { recursive: true });
// The last run is kept beside this one, so that two runs in a row show whether they agree.
const previousFile = file.replace(/\.json$/, ".previous.json");
const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).figures : null;
let comparison = null;
if (previous?.runtimes && !previous.fast && !figures.fast) {
  renameSync(file, previousFile);
  comparison = compareRuns(figures, previous);
  process.stdout.write(`\n${comparison.text}`);
}
writeFileSync(file, `${JSON.stringify({ figures, comparison: comparison?.rows ?? null, raw }, null, 2)}\n`);
const empties = raw.runtimes.map((rt) => `node ${rt.version} ${(median(rt.emptyNodeRss) / 2 ** 20).toFixed(1)} MiB`).join(", ");
process.stdout.write(`\nfigures written to ${file} (median empty-node RSS: ${empties})\n`);
