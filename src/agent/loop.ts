import { isoSeconds, systemClock, type Clock } from "../clock.js";
import type { Agent } from "./agent.js";
import type { Events } from "../observe/events.js";

/**
 * Polls on the interval's grid, one poll at a time: at every multiple of the
 * interval since the epoch (for 15 s, at :00, :15, :30 and :45 of each UTC
 * minute), as a cron schedule would. A time that passes while a poll still
 * runs is skipped, and said so. `stop()` lets the poll in flight finish, so
 * state is never cut in half by a shutdown.
 *
 * The schedule is a sleep on the Clock, not node-cron: node-cron works out
 * each next time with Intl.DateTimeFormat, and ICU's data that it touches was
 * 8.6 MiB of RSS on Node 24 (65.4 against 56.8 MiB for run's modules alone),
 * for an interval that divides a minute or an hour.
 */
export class PollLoop {
  #inflight: Promise<void> = Promise.resolve();
  #schedule: { stop: AbortController; done: Promise<void> } | null = null;

  constructor(private readonly agent: Agent, private readonly events: Events, private readonly clock: Clock = systemClock) {}

  /** Polls now, then at every multiple of `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    await this.tick();
    const stop = new AbortController();
    this.#schedule = { stop, done: this.#every(intervalMs, stop.signal) };
  }

  tick(): Promise<void> {
    this.#inflight = this.#inflight.then(() => this.#pollSafely());
    return this.#inflight;
  }

  async stop(): Promise<void> {
    this.#schedule?.stop.abort();
    await this.#schedule?.done;
    this.#schedule = null;
    await this.#inflight;
  }

  async #every(intervalMs: number, signal: AbortSignal): Promise<void> {
    const { clock } = this;
    let due = slotAfter(clock.now(), intervalMs);
    for (;;) {
      try {
        await clock.sleep(due - clock.now(), signal);
      } catch {
        return; // stopped
      }
      await this.tick();
      const next = Math.max(due + intervalMs, slotAfter(clock.now(), intervalMs));
      const skipped = (next - due) / intervalMs - 1;
      if (skipped > 0) {
        this.events.warn("schedule-warning", `poll schedule: ${skipped} poll time${skipped === 1 ? "" : "s"} skipped: the poll of ${isoSeconds(due)} ran until ${isoSeconds(clock.now())}`);
      }
      due = next;
    }
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

/** The first multiple of `intervalMs` after `now`. */
function slotAfter(now: number, intervalMs: number): number {
  return (Math.floor(now / intervalMs) + 1) * intervalMs;
}
