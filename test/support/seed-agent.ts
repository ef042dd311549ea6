/**
 * A `rolewatch run` process watching a standalone simulator, restarted as an
 * operator would restart it (SIGTERM, then the same command and state
 * directory), with what it says read only from the outside: /metrics,
 * /status, /readyz and its JSON log lines.
 */
import type { CheckReport } from "../../src/agent/report.js";
import { cleanEnv, startRolewatch, type Daemon } from "./cli.js";
import { sample } from "./daemon.js";

/** The agent's real-time cadences in this replay (each the smallest `run` accepts, but the poll). */
export const POLL_MS = 1_000;
export const CONTROL_PLANE_MS = 60_000;
export const STS_MS = 60_000;

export interface LogEvent {
  "@timestamp": string;
  event?: { action?: string; start?: string; end?: string };
  rolewatch?: {
    drift?: { kind: string; since: string; duration_s?: number; detail: string };
    credentials?: { access_key_id: string; previous_access_key_id: string | null; expiration: string | null; last_updated: string | null };
    role?: { source: string; from: string | null; to: string | null };
    profile?: { from: string | null; to: string | null };
  };
}

export class AgentProcess {
  /** Every process started, oldest first: the event log spans restarts as journald's would. */
  readonly runs: Daemon[] = [];
  url = "";
  /** Real time of the current process's agent-started event: its first poll, which reads STS and the control plane. */
  startedAt = 0;

  constructor(private readonly base: { stateDir: string; env: Record<string, string> }) {}

  async start(extra: { args?: string[]; env?: Record<string, string> } = {}): Promise<void> {
    const args = ["run", "--listen", "127.0.0.1:0", "--poll-interval", "1s", "--control-plane-interval", "1m", "--sts-interval", "1m", "--state-dir", this.base.stateDir];
    const daemon = startRolewatch([...args, ...(extra.args ?? [])], cleanEnv({ ...this.base.env, ...extra.env }));
    this.runs.push(daemon);
    const started = JSON.parse(await daemon.waitForLine((l) => l.includes('"agent-started"'), 30_000)) as LogEvent & { rolewatch: { config: { http: { url: string } } } };
    this.url = started.rolewatch.config.http.url;
    this.startedAt = Date.parse(started["@timestamp"]);
    await waitFor(async () => (await fetch(`${this.url}/readyz`)).status === 200, 30_000, "the agent's first observation (/readyz 200)");
  }

  /** SIGTERM: the poll in flight finishes, state is flushed; the exit code. */
  async stop(): Promise<number | null> {
    return (await this.runs.at(-1)?.stop()) ?? null;
  }

  async restart(extra: { args?: string[]; env?: Record<string, string> } = {}): Promise<number | null> {
    const code = await this.stop();
    await this.start(extra);
    return code;
  }

  events(action: string): LogEvent[] {
    return this.runs.flatMap((r) => r.lines).map((l) => JSON.parse(l) as LogEvent).filter((e) => e.event?.action === action);
  }

  driftEvents(action: "drift-detected" | "drift-resolved", kind?: string): LogEvent[] {
    return this.events(action).filter((e) => kind === undefined || e.rolewatch?.drift?.kind === kind);
  }

  async status(): Promise<CheckReport> {
    return (await (await fetch(`${this.url}/status`)).json()) as CheckReport;
  }

  async metrics(): Promise<Exposition> {
    return new Exposition(await (await fetch(`${this.url}/metrics`)).text());
  }

  /** Polls /status until `check` holds; the last report. */
  async until(check: (r: CheckReport) => boolean, timeoutMs: number, what: string): Promise<CheckReport> {
    let last: CheckReport | null = null;
    await waitFor(async () => check((last = await this.status())), timeoutMs, what, () => JSON.stringify(last));
    return last as unknown as CheckReport;
  }
}

/** One scrape of /metrics, read the way a PromQL query would. */
export class Exposition {
  constructor(readonly text: string) {}

  value(series: string): number | undefined {
    return sample(this.text, series);
  }

  drift(kind: string): number | undefined {
    return this.value(`rolewatch_drift{kind="${kind}"}`);
  }

  /** Kinds whose rolewatch_drift is 1. */
  openKinds(): string[] {
    return [...this.text.matchAll(/^rolewatch_drift\{kind="([a-z_]+)"\} 1$/gm)].map((m) => m[1] ?? "");
  }

  /** The roles rolewatch_role_info{source} names with value 1. */
  roles(source: "imds" | "sts" | "profile"): string[] {
    return [...this.text.matchAll(new RegExp(`^rolewatch_role_info\\{source="${source}",role="([^"]+)"\\} 1$`, "gm"))].map((m) => m[1] ?? "");
  }

  rotations(): number | undefined {
    return this.value("rolewatch_credentials_rotations_total");
  }

  /** IAM GetInstanceProfile calls made, whatever their outcome: one per control-plane read. */
  controlPlaneReads(): number {
    return [...this.text.matchAll(/^rolewatch_control_plane_requests_total\{api="iam",outcome="[a-z-]+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  }
}

export function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string, lastSeen?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = async () => {
      try {
        if (await condition()) return resolve();
      } catch {
        // not answering yet: retried until the deadline
      }
      if (Date.now() > deadline) return reject(new Error(`${what}: not seen in ${timeoutMs} ms${lastSeen ? `; last seen: ${lastSeen()}` : ""}`));
      setTimeout(() => void check(), 200);
    };
    void check();
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
