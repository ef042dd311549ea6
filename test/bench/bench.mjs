#!/usr/bin/env node
/**
 * `npm run bench`: what rolewatch costs on a host, beside the naive
 * alternative (a cron job running curl and the aws CLI), measured in one run
 * against the simulator on loopback (docs/contract.md, Quality bars). Prints a table
 * and writes the same figures to out/bench.json. Linux only (/proc). Runs the
 * built modules: `npm run bench` builds first.
 *
 *   1. memory: RSS of `run`'s code (the harness, run-harness.mjs) after 1,000
 *      polls, read from /proc, beside an empty Node process's; growth from
 *      poll 100 to 1,000, and the live heap after a full GC
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
 * Node runs rolewatch with the flags systemd/rolewatch.service gives it
 * (Environment=NODE_OPTIONS=), the empty baseline too.
 *
 * Environment: BENCH_CYCLES (default 1000), BENCH_TRIALS (default 30),
 * BENCH_NODE_OPTIONS (node flags instead of the unit's; "" for none),
 * BENCH_FLEET_SIZES (default 1000,10000,100000), BENCH_FLEET_ONLY=1 (only the
 * fleet section, local mode's calls from a 13 h fake-clock run).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { driveHarness, startRealRun } from "./daemon.mjs";
import { detectionTrials, worstCases } from "./detect.mjs";
import { callsPerHour } from "./fake-time.mjs";
import { measureFleet } from "./fleet.mjs";
import { fleetFigures, renderFleet } from "./fleet-report.mjs";
import { idleNodeRss, median } from "./measure.mjs";
import { naiveMissing, naiveSampler } from "./naive.mjs";
import { figuresOf, render } from "./report.mjs";
import { round } from "./figures.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const CYCLES = Number(process.env.BENCH_CYCLES ?? 1000);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 30);
const CHECKPOINTS = Array.from({ length: Math.floor(CYCLES / 50) }, (_, i) => (i + 1) * 50);
/** Real time per poll: one poll interval of simulated time. Slower than a poll takes, so polls stay on their grid. */
const PACE_MS = 40;
const FULL_CYCLE_PACE_MS = 60;
/** Each API's interval shorter than the poll interval: every poll calls STS, IAM and EC2. */
const FULL_CYCLE_FLAGS = ["--sts-interval", "1m", "--control-plane-interval", "1m"];
const FULL_CYCLES = 300;
const FULL_CHECKPOINTS = [50, 100, 150, 200, 250, 300];

/** Each dependency `run` loads, alone in an idle Node process; then all of `run`'s modules. */
const IMPORTS = {
  "prom-client": `await import("prom-client")`,
  pino: `await import("pino")`,
  yaml: `await import("yaml")`,
  "node-cron": `await import("node-cron")`,
  "all of run's modules (dist/cli/run.js)": `await import("./dist/cli/run.js")`,
};

async function step(name, fn) {
  const started = performance.now();
  process.stderr.write(`bench: ${name} ...`);
  const result = await fn();
  process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

/**
 * The flags node runs `rolewatch run` with where it is deployed: the unit's
 * Environment=NODE_OPTIONS=, unless BENCH_NODE_OPTIONS says otherwise. They
 * apply to every rolewatch process here and to the empty Node baseline.
 */
function deployedNodeArgs() {
  if (process.env.BENCH_NODE_OPTIONS !== undefined) return { from: "BENCH_NODE_OPTIONS", args: process.env.BENCH_NODE_OPTIONS.split(/\s+/).filter(Boolean) };
  const unit = readFileSync(join(repo, "systemd/rolewatch.service"), "utf8");
  const line = /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(unit);
  const all = line ? line[1].split(/\s+/).filter(Boolean) : [];
  // A flag this node does not know (--disable-sigusr1 before Node.js 22.14) would stop it at start;
  // it changes nothing that is measured, so it is left out here and said so.
  const args = all.filter((flag) => process.allowedNodeEnvironmentFlags.has(flag.split("=")[0]));
  const left = all.filter((flag) => !args.includes(flag));
  return { from: `systemd/rolewatch.service${left.length > 0 ? ` (without ${left.join(" ")}, which node ${process.version} lacks)` : ""}`, args };
}

function machine() {
  const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
  return { nproc: os.availableParallelism(), cpu: model, node: process.version, kernel: os.release(), loadAverage: os.loadavg() };
}

async function measureAll() {
  const missing = naiveMissing();
  if (missing && process.env.CI === "true") throw new Error(`the naive alternative cannot run: ${missing}`);
  const node = deployedNodeArgs();
  const nodeArgs = node.args;
  const r = { machine: machine(), nodeFlags: node, started: new Date().toISOString() };
  r.emptyNodeRss = await step("empty Node process RSS (3 runs)", async () => [await idleNodeRss("", { nodeArgs }), await idleNodeRss("", { nodeArgs }), await idleNodeRss("", { nodeArgs })]);
  r.imports = await step("RSS of each module run loads", async () => {
    const out = {};
    for (const [name, code] of Object.entries(IMPORTS)) out[name] = await idleNodeRss(code, { cwd: repo, nodeArgs });
    return out;
  });
  // One naive cycle at each checkpoint of the harnesses: each meets the background load the polls just before it met.
  const naive = missing ? null : await step("naive alternative, first cycle (not counted)", () => naiveSampler());
  const background = await step("real `rolewatch run` started, left running", () => startRealRun({ nodeArgs }));
  try {
    r.harness = await step(`harness, defaults, ${CYCLES} polls, a naive cycle every 50`, () =>
      driveHarness({
        cycles: CYCLES, checkpoints: CHECKPOINTS, gcAt: [100, CYCLES], nodeArgs, pollIntervalMs: 15_000, paceMs: PACE_MS,
        onCheckpoint: async () => naive?.sample(1),
      }));
    r.fullCycles = await step(`harness, every poll a full cycle (STS, IAM, EC2), ${FULL_CYCLES} polls, a naive cycle every 50`, () =>
      driveHarness({
        cycles: FULL_CYCLES, checkpoints: FULL_CHECKPOINTS, argv: FULL_CYCLE_FLAGS, nodeArgs, pollIntervalMs: 120_000, paceMs: FULL_CYCLE_PACE_MS,
        onCheckpoint: async () => naive?.sample(1),
      }));
    r.naive = naive ? naive.result() : { skipped: missing };
    r.hours = await step("13 hours of polls on a fake clock", () => callsPerHour(13));
    r.detection = await step(`${TRIALS} role swaps on a fake clock`, () => detectionTrials(TRIALS));
    r.worstCases = await step("role swaps right after a control-plane read", () => worstCases());
  } finally {
    r.realRun = await background.stop();
    await naive?.close();
  }
  r.machine.loadAverageAfter = os.loadavg();
  return r;
}

/** The fleet section last, alone on the machine: it builds worlds of up to 100,000 instances. */
async function measureFleetSection(perInstancePerHour) {
  const fleet = await step(`fleet: account cycles of ${process.env.BENCH_FLEET_SIZES ?? "1000,10000,100000"} instances; rolewatch sim --instances 1000`, () => measureFleet());
  return { raw: fleet, figures: fleetFigures(fleet, perInstancePerHour) };
}

/** BENCH_FLEET_ONLY=1: local mode's per-instance calls from the fake clock alone, then the fleet section. */
async function fleetOnly() {
  const hours = await step("13 hours of polls on a fake clock", () => callsPerHour(13));
  const steady = hours.perHour.slice(1);
  const perHour = (key) => round(steady.reduce((sum, h) => sum + h[key], 0) / steady.length, 2);
  const { raw, figures } = await measureFleetSection({ iam: perHour("iam"), ec2: perHour("ec2") });
  process.stdout.write(renderFleet(figures, null));
  writeOut({ fleet: figures }, { hours, fleet: raw }, "bench-fleet.json");
}

function writeOut(figures, raw, name) {
  mkdirSync(new URL("out/", `file://${repo}`), { recursive: true });
  const file = new URL(`out/${name}`, `file://${repo}`);
  writeFileSync(file, `${JSON.stringify({ figures, raw }, null, 2)}\n`);
  return file;
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
const file = writeOut(figures, raw, "bench.json");
process.stdout.write(`\nfigures written to ${fileURLToPath(file)} (median empty-node RSS ${(median(raw.emptyNodeRss) / 2 ** 20).toFixed(1)} MiB)\n`);
