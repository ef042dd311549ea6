/**
 * The naive alternative, measured: naive-cycle.sh (curl, then the aws CLI)
 * against a real-time simulator, its CPU time taken from bash's `times`
 * (user + system of the script and every process it waited for), and what
 * one cycle asks of IMDS and the APIs counted by the simulator.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanEnv, simulator } from "./daemon.mjs";

const dist = new URL("../../dist/", import.meta.url);
const { systemClock } = await import(new URL("clock.js", dist).href);
const SCRIPT = new URL("naive-cycle.sh", import.meta.url).pathname;

function which(command) {
  try {
    return execFileSync("bash", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * The aws CLI a cron job would run. A pyenv shim is a bash script that
 * starts pyenv before the CLI: its cost is the machine's, not the method's,
 * so the real executable is used.
 */
function awsCli() {
  const found = which("aws");
  if (!found?.includes("/.pyenv/shims/")) return found;
  try {
    return execFileSync("pyenv", ["which", "aws"], { encoding: "utf8" }).trim();
  } catch {
    return found;
  }
}

/** Why the naive cycle cannot run here, or null. */
export function naiveMissing() {
  const missing = ["curl", "bash"].filter((c) => !which(c));
  if (!awsCli()) missing.push("aws (the AWS CLI: pip install awscli)");
  return missing.length ? `missing: ${missing.join(", ")}` : null;
}

/** One cycle: its CPU (user and system, microseconds), its real time, and its output. */
function cycle(env, cli) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // `times` prints the shell's own times, then those of its children: the script and all it ran.
    const child = spawn("bash", ["-c", 'bash "$0" "$1" || exit; times', SCRIPT, cli], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`naive-cycle.sh exited ${code}: ${stderr}`));
      // The wrapper shell stands for the `sh -c` that cron starts, so its own time counts too.
      const lines = stdout.trim().split("\n");
      const times = lines.splice(-2).flatMap((line) => line.split(" ").map(seconds));
      resolve({ cpuMicros: times.reduce((a, b) => a + b, 0) * 1e6, wallMs: performance.now() - started, output: lines.join("\n") });
    });
    child.on("error", reject);
  });
}

/** `0m1.234s` → 1.234 */
function seconds(text) {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!match) throw new Error(`not a time: ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Naive cycles on demand against one simulator, so that they can be spread
 * over the whole benchmark and meet the same background load as rolewatch's
 * polls. The first cycle (the CLI's first start compiles its Python) is not counted.
 */
export async function naiveSampler() {
  const cli = awsCli();
  const sim = await simulator(systemClock);
  const home = mkdtempSync(join(tmpdir(), "rolewatch-bench-home-"));
  const env = cleanEnv({ HOME: home, IMDS: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl, AWS_DEFAULT_REGION: sim.world.region });
  await cycle(env, cli);
  const before = { imds: sim.stats(), api: sim.apiStats() };
  const cycles = [];
  return {
    /** Runs `count` cycles; returns their CPU in microseconds. */
    async sample(count = 1) {
      const taken = [];
      for (let i = 0; i < count; i++) taken.push(await cycle(env, cli));
      cycles.push(...taken);
      return taken.map((c) => c.cpuMicros);
    },
    /** Cycles taken so far. */
    count: () => cycles.length,
    result() {
      return { cli, cycles, perCycle: callsBetween(before, { imds: sim.stats(), api: sim.apiStats() }, cycles.length) };
    },
    async close() {
      await sim.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** What the simulator answered between two snapshots, per cycle. */
function callsBetween(before, after, cycles) {
  const per = (a, b) => ((a ?? 0) - (b ?? 0)) / cycles;
  const reads = Object.values(after.imds.reads).reduce((s, n) => s + n, 0) - Object.values(before.imds.reads).reduce((s, n) => s + n, 0);
  return {
    tokenFetches: per(after.imds.tokenPuts, before.imds.tokenPuts),
    imdsReads: reads / cycles,
    sts: per(after.api.calls["sts:GetCallerIdentity"], before.api.calls["sts:GetCallerIdentity"]),
    iam: per(after.api.calls["iam:GetInstanceProfile"], before.api.calls["iam:GetInstanceProfile"]),
    ec2: per(after.api.calls["ec2:DescribeIamInstanceProfileAssociations"], before.api.calls["ec2:DescribeIamInstanceProfileAssociations"]),
  };
}
