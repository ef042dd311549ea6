import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent } from "../agent/agent.js";
import type { CheckReport } from "../agent/report.js";
import { buildAgent } from "../agent/wire.js";
import { ManualClock } from "../clock.js";
import { loadConfig } from "../config.js";
import { createEvents } from "../observe/events.js";
import { startHttpServer, type HttpServer } from "../observe/http.js";
import { createMetrics, type Metrics } from "../observe/metrics.js";
import { startSimulator, type Simulator } from "../sim/index.js";
import { VERSION } from "../version.js";

/** One parsed log event of the agent, as the demo's timeline reads it. */
export interface DemoEvent {
  at: number;
  action: string;
  message: string;
  drift?: { kind: string; duration_s?: number };
}

/**
 * The simulator and the agent in one process, on one fake clock: the agent
 * is built exactly as `run` builds it and keeps its state in a temporary
 * directory, so it can be restarted as after a reboot.
 */
export class Stage {
  agent!: Agent;
  readonly events: DemoEvent[] = [];
  readonly metrics: Metrics = createMetrics({ version: VERSION });
  #last: CheckReport | null = null;

  private constructor(
    readonly sim: Simulator,
    readonly clock: ManualClock,
    readonly http: HttpServer,
    private readonly stateDir: string,
  ) {}

  static async open(listen: { host: string; port: number }): Promise<Stage> {
    const clock = new ManualClock();
    const sim = await startSimulator({ clock, awsPort: 0, seed: "demo", signingClocks: [clock] });
    let stage: Stage | null = null;
    const http = await startHttpServer({ ...listen, metrics: () => stage?.metrics.text() ?? Promise.resolve(""), ready: () => stage?.last !== null, status: () => stage?.last ?? null });
    stage = new Stage(sim, clock, http, mkdtempSync(join(tmpdir(), "rolewatch-demo-")));
    stage.restartAgent();
    return stage;
  }

  get last(): CheckReport | null {
    return this.#last;
  }

  /** A new agent, as after a restart or a reboot: only the state directory carries over. */
  restartAgent(): void {
    const { accessKeyId, secretAccessKey } = this.sim.world.admin;
    // The control plane is read as a monitoring principal, so a deleted role's revoked sessions do not hide it (S6).
    const env = { AWS_ENDPOINT_URL: this.sim.awsUrl, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey };
    const argv = ["--imds-endpoint", this.sim.imdsUrl, "--state-dir", this.stateDir, "--control-plane-credentials", "environment"];
    const { config } = loadConfig({ argv, env, readFile: () => null });
    const destination = { write: (line: string) => void this.#record(line) };
    const events = createEvents({ clock: this.clock, version: VERSION, destination });
    this.agent = buildAgent(config, { clock: this.clock, env, random: () => 0.5, publish: { metrics: this.metrics, events, persist: true } });
  }

  async poll(): Promise<CheckReport> {
    return (this.#last = await this.agent.poll());
  }

  async close(): Promise<void> {
    await this.http.close();
    await this.sim.close();
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  #record(line: string): void {
    const e = JSON.parse(line) as { "@timestamp": string; message: string; event?: { action?: string }; rolewatch?: { drift?: { kind: string; duration_s?: number } } };
    if (!e.event?.action) return;
    this.events.push({ at: Date.parse(e["@timestamp"]), action: e.event.action, message: e.message, ...(e.rolewatch?.drift ? { drift: e.rolewatch.drift } : {}) });
  }
}
