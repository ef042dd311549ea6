import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, startRolewatch, type Daemon } from "./cli.js";

export interface Watched {
  sim: Simulator;
  agent: Daemon;
  /** The agent's HTTP server, e.g. http://127.0.0.1:41234 */
  url: string;
  stateDir: string;
}

/**
 * A `rolewatch run` process polling every second, watching an in-process simulator on real time;
 * `launcher` runs node in its place (startRolewatch).
 */
export async function startWatched(extraArgs: string[] = [], launcher: string[] = []): Promise<Watched> {
  const sim = await startSimulator({ awsPort: 0 });
  const stateDir = mkdtempSync(join(tmpdir(), "rolewatch-run-"));
  const agent = startRolewatch(
    ["run", "--listen", "127.0.0.1:0", "--poll-interval", "1s", "--imds-endpoint", sim.imdsUrl, "--state-dir", stateDir, ...extraArgs],
    cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl }),
    launcher,
  );
  const started = JSON.parse(await agent.waitForLine((l) => l.includes('"agent-started"'))) as { rolewatch: { config: { http: { url: string } } } };
  return { sim, agent, url: started.rolewatch.config.http.url, stateDir };
}

export async function scrape(url: string, path = "/metrics"): Promise<{ status: number; body: string }> {
  const res = await fetch(url + path);
  return { status: res.status, body: await res.text() };
}

/** The value of one sample in an exposition, e.g. sample(text, 'rolewatch_imds_up'). */
export function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

export function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = async () => {
      if (await condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`${what} not met in ${timeoutMs} ms`));
      setTimeout(check, 50);
    };
    void check();
  });
}
