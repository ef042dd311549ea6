import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

export const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/** Only what rolewatch should see: no credentials or endpoints of the machine running the tests. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const keep = ["PATH", "HOME", "LANG", "TMPDIR"];
  const env: Record<string, string> = {};
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...extra };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rolewatch ARGS` to its end. */
export function rolewatch(args: string[], env: Record<string, string> = cleanEnv()): Promise<Finished> {
  return finished(process.execPath, [MAIN, ...args], { env });
}

/** Runs a command to its end, with what it printed. */
export function finished(command: string, args: string[], options: { env: Record<string, string>; cwd?: string }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running `rolewatch` process whose stdout lines are collected as they come. */
export interface Daemon {
  /** The process's id (that of node itself, since a launcher such as prlimit execs it). */
  pid: number | undefined;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first line (past or future) that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGTERM (or `signal`), then the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `launcher`: a command that runs node in its place, such as `prlimit --nofile=128:128`. */
export function startRolewatch(args: string[], env: Record<string, string> = cleanEnv(), launcher: string[] = []): Daemon {
  const [command = process.execPath, ...rest] = [...launcher, process.execPath, MAIN, ...args];
  const child = spawn(command, rest, { env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.match(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    pid: child.pid,
    lines,
    stderr: () => stderr,
    waitForLine(match, timeoutMs = 10_000) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching line in ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      });
    },
    stop(signal = "SIGTERM") {
      child.kill(signal);
      return exited;
    },
  };
}

/** The parsed JSON log events of a daemon with the given event.action. */
export function eventsOf(daemon: Daemon, action: string): Record<string, unknown>[] {
  return daemon.lines
    .map((line) => JSON.parse(line) as { event?: { action?: string } })
    .filter((e) => e.event?.action === action);
}
