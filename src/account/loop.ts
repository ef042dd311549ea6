import type { Clock } from "../clock.js";
import type { AccountReader, CycleResult } from "./reader.js";

/**
 * Runs a cycle whenever a listing is due (src/account/reader.ts), one at a time, and sleeps
 * until the next is due. `stop()` lets the cycle in flight finish, so that its views are swapped
 * in whole or not at all.
 */
export class AccountLoop {
  readonly #stopping = new AbortController();
  #running: Promise<void> = Promise.resolve();
  #cycles = 0;

  constructor(private readonly deps: {
    clock: Clock;
    reader: AccountReader;
    publish: (result: CycleResult) => void;
    /** A cycle that threw (a bug): reported; the next cycle runs when due. */
    failed: (error: unknown) => void;
  }) {}

  /** Cycles completed: /readyz answers 200 after the first. */
  get cycles(): number {
    return this.#cycles;
  }

  start(): void {
    this.#running = this.#run();
  }

  /** One cycle now, whatever is due; for tests and for start. */
  async tick(): Promise<void> {
    try {
      this.deps.publish(await this.deps.reader.cycle());
    } catch (error) {
      this.deps.failed(error);
    }
    this.#cycles++;
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
  }

  async #run(): Promise<void> {
    const { clock, reader } = this.deps;
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      await this.tick();
      // At least a second between cycles, whatever a track says: never a busy loop.
      const wait = Math.max(1000, reader.nextDue() - clock.now());
      await clock.sleep(wait, signal).catch(() => undefined);
    }
  }
}
