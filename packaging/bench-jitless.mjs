#!/usr/bin/env node
/**
 * What V8's --jitless costs rolewatch: the measurement behind the choice made
 * in systemd/rolewatch.service (MemoryDenyWriteExecute= needs --jitless).
 *
 *   node packaging/bench-jitless.mjs [NODE] [SECONDS] [ROUNDS]
 *
 * NODE is the runtime measured (default: the Node.js 24 the packages ship,
 * out/node/...; run packaging/node-runtime.sh x64 first). Against one
 * `rolewatch sim`, with and without --jitless, interleaved ROUNDS times:
 *  - `rolewatch run` polling every second for SECONDS, IMDS rotating the
 *    credentials every 5 s so that one poll in five also calls STS, IAM and
 *    EC2: CPU time per poll (after a warm-up) and resident memory at the end;
 *  - `rolewatch check`, 20 times: CPU time and peak RSS of a whole process.
 * Not a test: numbers for a decision. Run it on an idle machine.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";

const repo = new URL("..", import.meta.url).pathname;
const main = join(repo, "dist/main.js");
const node = process.argv[2] || execFileSync("bash", [join(repo, "packaging/node-runtime.sh"), "x64"], { encoding: "utf8" }).trim();
const seconds = Number(process.argv[3] ?? 60);
const rounds = Number(process.argv[4] ?? 2);
const WARMUP_S = 5;
const CHECKS = 20;

function firstLine(child) {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`exited ${code} before its first line`)));
  });
}

/** CPU time of every thread of `pid`, in ms (schedstat: nanoseconds). */
function cpuMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1e6;
}

function rssMiB(pid) {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
}

async function observations(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^rolewatch_observation_duration_seconds_count (\S+)$/m.exec(text)?.[1] ?? NaN);
}

async function daemon(flags, sim) {
  const state = mkdtempSync(join(tmpdir(), "rolewatch-bench-"));
  const args = [...flags, main, "run", "--listen", "127.0.0.1:0", "--poll-interval", "1s", "--state-dir", state];
  const child = spawn(node, args, { env: { PATH: process.env.PATH, AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imds, AWS_ENDPOINT_URL: sim.aws }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const event = JSON.parse(line);
      if (event.event?.action === "agent-started") resolve(event.rolewatch.config.http.url);
    });
    child.once("exit", (code) => reject(new Error(`rolewatch run exited ${code}`)));
  });
  const rotate = setInterval(() => void fetch(`${sim.imds}/rolewatch-sim/rotate`, { method: "POST" }), 5000);
  await sleep(WARMUP_S * 1000);
  const [cpu0, n0] = [cpuMs(child.pid), await observations(url)];
  await sleep(seconds * 1000);
  const [cpu1, n1] = [cpuMs(child.pid), await observations(url)];
  const rss = rssMiB(child.pid);
  clearInterval(rotate);
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  rmSync(state, { recursive: true, force: true });
  return { cpuPerPollMs: (cpu1 - cpu0) / (n1 - n0), polls: n1 - n0, rssMiB: rss };
}

function checks(flags, sim) {
  const runs = [];
  for (let i = 0; i < CHECKS; i++) {
    const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", node, ...flags, main, "check"], {
      env: { PATH: process.env.PATH, AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imds, AWS_ENDPOINT_URL: sim.aws },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`check exited ${r.status}: ${r.stderr}`);
    const [user, sys, maxKiB] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
    runs.push({ cpuMs: (user + sys) * 1000, rssMiB: maxKiB / 1024 });
  }
  return runs;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const simChild = spawn(process.execPath, [main, "sim", "--imds-port", "0", "--aws-port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const sim = JSON.parse(await firstLine(simChild));
const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
const results = { jit: { daemon: [], check: [] }, jitless: { daemon: [], check: [] } };
try {
  for (let round = 0; round < rounds; round++) {
    for (const [mode, flags] of [["jit", []], ["jitless", ["--jitless"]]]) {
      console.error(`# round ${round + 1}: ${mode}`);
      results[mode].daemon.push(await daemon(flags, sim));
      results[mode].check.push(...checks(flags, sim));
    }
  }
} finally {
  simChild.kill("SIGTERM");
}
console.log(`node ${version}; run: ${seconds} s at 1 poll/s (rotation every 5 s) x ${rounds}; check: ${CHECKS * rounds} runs`);
for (const [mode, r] of Object.entries(results)) {
  const perPoll = r.daemon.map((d) => d.cpuPerPollMs.toFixed(2)).join(", ");
  const rss = r.daemon.map((d) => d.rssMiB.toFixed(1)).join(", ");
  console.log(
    `${mode.padEnd(8)} run: CPU/poll ${perPoll} ms; RSS ${rss} MiB | check: CPU median ${median(r.check.map((c) => c.cpuMs)).toFixed(0)} ms, peak RSS median ${median(r.check.map((c) => c.rssMiB)).toFixed(1)} MiB`,
  );
}
