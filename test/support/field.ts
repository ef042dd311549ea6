import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Agent } from "../../src/agent/agent.js";
import { buildAgent } from "../../src/agent/wire.js";
import type { CheckReport } from "../../src/agent/report.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { createEvents } from "../../src/observe/events.js";
import { createMetrics, type Metrics } from "../../src/observe/metrics.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** One logged event, parsed. */
export type LoggedEvent = Record<string, unknown> & { event: { action?: string }; rolewatch?: Record<string, unknown> };

/**
 * The field report's setup on a fake clock: a simulator (IMDS and the AWS
 * API) and the agent watching it, polled by the test, with its state on disk.
 */
export class Field {
  readonly lines: string[] = [];
  agent!: Agent;
  metrics!: Metrics;
  last: CheckReport | null = null;

  private constructor(
    readonly sim: Simulator,
    readonly clock: ManualClock,
    readonly stateDir: string,
    readonly argv: string[],
    readonly env: Record<string, string>,
  ) {}

  /** `monitor`: the control plane is read with the simulator's admin keys (controlPlane.credentials: environment). */
  static async start(options: { monitor?: boolean } = {}): Promise<Field> {
    const clock = new ManualClock();
    const sim = await startSimulator({ clock, awsPort: 0, seed: "field" });
    const { accessKeyId, secretAccessKey } = sim.world.admin;
    const [argv, env] = options.monitor
      ? [["--control-plane-credentials", "environment"], { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey }]
      : [[], {}];
    const field = new Field(sim, clock, mkdtempSync(join(tmpdir(), "rolewatch-field-")), argv, { AWS_ENDPOINT_URL: sim.awsUrl, ...env });
    field.restartAgent();
    return field;
  }

  /** A new agent process, as after a restart or a reboot: only the state directory carries over. */
  restartAgent(): void {
    const { config } = loadConfig({
      argv: ["--imds-endpoint", this.sim.imdsUrl, "--state-dir", this.stateDir, ...this.argv],
      env: this.env,
      readFile: () => null,
    });
    const { clock } = this;
    this.metrics = createMetrics({ version: "test" });
    const events = createEvents({ clock, version: "test", level: "debug", destination: { write: (s: string) => void this.lines.push(s) } });
    this.agent = buildAgent(config, { clock, env: this.env, random: () => 0.5, publish: { metrics: this.metrics, events, persist: true } });
  }

  /** Polls every `interval` of fake time for `duration`; resolves with the last report. */
  async run(duration: number, interval = 15 * SECOND): Promise<CheckReport> {
    for (let t = 0; t < duration; t += interval) {
      this.last = await this.agent.poll();
      this.clock.advance(interval);
    }
    this.last = await this.agent.poll();
    return this.last;
  }

  /** Polls until `done` holds or `limit` of fake time passes; resolves with the fake time it took. */
  async until(done: (r: CheckReport) => boolean, limit: number, interval = 15 * SECOND): Promise<number> {
    const start = this.clock.now();
    for (;;) {
      this.last = await this.agent.poll();
      if (done(this.last)) return this.clock.now() - start;
      if (this.clock.now() - start >= limit) throw new Error(`not done within ${limit / MINUTE} min of fake time; last: ${JSON.stringify(this.last)}`);
      this.clock.advance(interval);
    }
  }

  events(action?: string): LoggedEvent[] {
    const all = this.lines.map((l) => JSON.parse(l) as LoggedEvent);
    return action === undefined ? all : all.filter((e) => e.event.action === action);
  }

  close(): Promise<void> {
    return this.sim.close();
  }
}

export const openKinds = (r: CheckReport): string[] => r.drifts.map((d) => d.kind);
