/**
 * Reading a process from outside (/proc), and the few statistics the
 * benchmark reports. Linux only: /proc/PID/status and /proc/PID/stat.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

export const MiB = 1024 * 1024;

/** Resident set size of `pid` in bytes (VmRSS, /proc/PID/status). */
export function rssBytes(pid) {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

const HAS_SCHEDSTAT = existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`);

/**
 * CPU time (user + system) of `pid` in microseconds, all its threads: the sum
 * of /proc/PID/task/TID/schedstat (nanoseconds) where the kernel keeps it,
 * else utime + stime of /proc/PID/stat (clock ticks, 10 ms).
 */
export function cpuMicros(pid) {
  if (!HAS_SCHEDSTAT) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces: utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  }
  let nanos = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanos += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return nanos / 1000;
}

export function median(xs) {
  return quantile(xs, 0.5);
}

/** Linear interpolation between the closest ranks. */
export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}

export function mean(xs) {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The environment of a measured node: NODE_OPTIONS as the unit sets it, and nothing of the benchmark's own. */
export function nodeEnv(nodeOptions = [], extra = {}) {
  const env = {};
  for (const key of ["PATH", "HOME", "LANG", "TMPDIR"]) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...(nodeOptions.length > 0 ? { NODE_OPTIONS: nodeOptions.join(" ") } : {}), ...extra };
}

/**
 * RSS of an idle Node.js process that has run `code` (an ES module body),
 * read once it has settled. With no code: `node -e "setInterval(()=>{},1e9)"`,
 * the baseline every Node daemon pays. `node`: which node (default this one);
 * `nodeOptions`: its NODE_OPTIONS.
 */
export async function idleNodeRss(code = "", { cwd, node = process.execPath, nodeOptions = [], settleMs = 1000 } = {}) {
  const args = code ? ["--input-type=module", "-e", `${code}\nsetInterval(()=>{},1e9)`] : ["-e", "setInterval(()=>{},1e9)"];
  const child = spawn(node, args, { stdio: ["ignore", "ignore", "pipe"], cwd, env: nodeEnv(nodeOptions) });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  try {
    await pause(settleMs);
    if (child.exitCode !== null) throw new Error(`node exited ${child.exitCode}: ${stderr}`);
    return rssBytes(child.pid);
  } finally {
    child.kill("SIGKILL");
  }
}
