import cron, { type ScheduledTask } from "node-cron";
import type { Agent } from "./agent.js";
import type { Events } from "../observe/events.js";

/**
 * Polls on a cron schedule (node-cron), one poll at a time. `stop()` lets the
 * poll in flight finish, so state is never cut in half by a shutdown.
 */
export class PollLoop {
  #task: ScheduledTask | null = null;
  #inflight: Promise<void> = Promise.resolve();

  constructor(private readonly agent: Agent, private readonly events: Events) {}

  /** Polls now, then on every tick of `expression` (6 fields, seconds first). */
  async start(expression: string): Promise<void> {
    await this.tick();
    this.#task = cron.schedule(expression, () => this.tick(), { noOverlap: true, name: "poll", logger: this.#scheduleLogger() });
  }

  tick(): Promise<void> {
    this.#inflight = this.#inflight.then(() => this.#pollSafely());
    return this.#inflight;
  }

  async stop(): Promise<void> {
    await this.#task?.destroy();
    this.#task = null;
    await this.#inflight;
  }

  /**
   * node-cron's own warnings (a tick skipped while a poll still runs, a missed tick) as JSON events,
   * instead of its coloured lines on stderr, which the unit sends to the journal beside them.
   */
  #scheduleLogger(): Parameters<typeof cron.setLogger>[0] {
    const { events } = this;
    return {
      info: () => undefined,
      debug: () => undefined,
      warn: (message) => events.warn("schedule-warning", `poll schedule: ${message}`),
      error: (message, err) => events.error("schedule-error", `poll schedule: ${message instanceof Error ? message.message : message}`, err ?? message),
    };
  }

  async #pollSafely(): Promise<void> {
    try {
      await this.agent.poll();
    } catch (error) {
      // A bug in one poll must not end the daemon: report it and poll again next tick.
      this.events.error("poll-failed", "poll failed", error);
    }
  }
}
