/**
 * The only place that reads the time or arms a timer. Everything else takes a
 * Clock, so tests run hours of simulated time in milliseconds and the
 * standalone simulator can run K times faster than real time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => realSleep(ms, signal),
};

/** Real time run `scale` times faster, from `origin` (default: now). */
export function scaledClock(scale: number, origin = Date.now()): Clock {
  const start = Date.now();
  return {
    now: () => origin + (Date.now() - start) * scale,
    sleep: (ms, signal) => realSleep(ms / scale, signal),
  };
}

/** A clock that moves only when told to: `advance()` wakes every sleeper whose time has come. */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: { at: number; wake: () => void }[] = [];

  constructor(start: number | string = "2026-11-29T08:00:00Z") {
    this.#now = typeof start === "number" ? start : Date.parse(start);
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { at: this.#now + ms, wake: resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      }, { once: true });
    });
  }

  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  set(at: number): void {
    this.#now = at;
    const due = this.#sleepers.filter((s) => s.at <= at);
    this.#sleepers = this.#sleepers.filter((s) => s.at > at);
    for (const s of due) s.wake();
  }
}

/**
 * A deadline in real time, whatever the Clock, set again for each request of
 * a connection: after `set(ms, expire)`, `expire` runs once `ms` have passed
 * unless `clear()` comes first. For sockets, whose timeouts are real time.
 * One timer is kept and refreshed rather than one made and cleared per
 * request: a poll's three cost 0.2 ms of its CPU on an interpreted
 * (--jitless) Node 24. Unref'd: the socket it guards keeps the process alive.
 */
export class RealDeadline {
  #timer: NodeJS.Timeout | null = null;
  #ms = 0;
  #expire: (() => void) | null = null;

  set(ms: number, expire: () => void): void {
    if (this.#timer !== null && this.#ms === ms) {
      this.#timer.refresh();
    } else {
      this.stop();
      this.#ms = ms;
      this.#timer = setTimeout(() => {
        const due = this.#expire;
        this.#expire = null;
        due?.();
      }, ms).unref();
    }
    this.#expire = expire;
  }

  /** Nothing runs when the time comes; the timer stays, to be set again. */
  clear(): void {
    this.#expire = null;
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#expire = null;
  }
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the form IMDS and AWS use (no milliseconds). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
