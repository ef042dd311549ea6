import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** One entry of Prometheus's /api/v1/alerts: an alert that is pending or firing. */
export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing";
  activeAt: string;
  value: string;
}

/** One series of an instant query's result. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** One series of a range query's result. */
export interface PromSeries {
  metric: Record<string, string>;
  values: number[];
}

/** A Prometheus server on loopback, with its own storage, for one test file. */
export interface PromServer {
  url: string;
  pid: number;
  alerts(): Promise<PromAlert[]>;
  query(expr: string): Promise<PromSample[]>;
  /** A range query from `start` to `end` (ms since the epoch), one point every `stepSeconds`: each series with its values. */
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<PromSeries[]>;
  /** Prometheus's own log so far (stderr), for a failure's message. */
  log(): string;
  /** SIGTERM, SIGKILL if it lingers; the exit code; removes its directory. Safe to call twice. */
  stop(): Promise<number | null>;
}

/**
 * Starts `prometheus` with `config` (YAML text), and resolves once it is
 * ready. The port is picked free just before; if another process takes it
 * in between, Prometheus exits and the next port is tried.
 */
export async function startPrometheus(config: string, attempts = 3): Promise<PromServer> {
  const dir = await mkdtemp(join(tmpdir(), "rolewatch-prom-"));
  const configFile = join(dir, "prometheus.yml");
  await writeFile(configFile, config);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      "prometheus",
      [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let log = "";
    child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.on("error", (error) => (log += `${error.message}\n`));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    if (await ready(url, child)) return serve(url, child.pid ?? 0, () => log, () => terminate(child, exited).finally(() => rm(dir, { recursive: true, force: true })));
    await terminate(child, exited);
    if (attempt >= attempts) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`prometheus did not become ready:\n${log}`);
    }
  }
}

function serve(url: string, pid: number, log: () => string, stop: () => Promise<number | null>): PromServer {
  let stopped: Promise<number | null> | undefined;
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(url + path);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  return {
    url,
    pid,
    alerts: async () => (await api<{ alerts: PromAlert[] }>("/api/v1/alerts")).alerts,
    async query(expr) {
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async queryRange(expr, start, end, stepSeconds) {
      const range = `start=${start / 1000}&end=${end / 1000}&step=${stepSeconds}`;
      const data = await api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(`/api/v1/query_range?query=${encodeURIComponent(expr)}&${range}`);
      return data.result.map((r) => ({ metric: r.metric, values: r.values.map(([, v]) => Number(v)) }));
    },
    log,
    stop: () => (stopped ??= stop()),
  };
}

/** SIGTERM, then SIGKILL if it has not exited 10 s later; the exit code (null when killed). */
async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  child.kill("SIGTERM");
  const code = await Promise.race([exited, sleep(10_000).then(() => "lingering" as const)]);
  if (code !== "lingering") return code;
  child.kill("SIGKILL");
  return exited;
}

/** True once /-/ready answers 200; false if Prometheus exits first or takes over 30 s. */
async function ready(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.pid !== undefined && child.exitCode === null) {
    const res = await fetch(`${url}/-/ready`).catch(() => null);
    if (res?.status === 200) return true;
    await sleep(100);
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Polls `probe` every `intervalMs` until it returns a value other than
 * undefined; rejects after `timeoutMs`, naming `what` and the last error.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last === undefined ? "" : ` (last error: ${String(last)})`}`);
    await sleep(intervalMs);
  }
}
