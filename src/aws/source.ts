import { classify, type Classified, type FailureKind } from "./classify.js";
import { scrub } from "./redact.js";
import { afterCall, isDue, neverCalled, type Cadence, type Track } from "./schedule.js";
import type { SigningCredentials } from "./sigv4.js";
import { failed, stale, succeeded, type View } from "./views.js";

export type Result<T> = { ok: true; value: T } | { ok: false; failure: Classified };

/**
 * One API as a source of views: its schedule, its last view, and a change
 * seen in IMDS that no call has checked yet (a change is never lost: it makes
 * the next call due as soon as the API is not backing off).
 */
export class Source<T> {
  #view: View<T> = { state: "never" };
  #track: Track = neverCalled;
  #pending = false;

  constructor(
    private readonly cadence: Cadence,
    /** Which failures wait for a backoff before the next call. */
    private readonly backsOff: (kind: FailureKind) => boolean,
    private readonly random: () => number,
  ) {}

  get view(): View<T> {
    return this.#view;
  }

  /** At the start of each observation: what was fresh is now old. */
  age(): void {
    this.#view = stale(this.#view);
  }

  /** Nothing to observe (no profile named): the view says so, and no change waits. */
  clear(): void {
    this.#view = { state: "never" };
    this.#pending = false;
  }

  noteChange(changed: boolean): void {
    this.#pending ||= changed;
  }

  due(now: number): boolean {
    return isDue(this.#track, this.cadence, now, this.#pending);
  }

  /** Makes the call, folds its result into the view and the schedule, and returns it (messages scrubbed). */
  async call(at: number, credentials: SigningCredentials, call: () => Promise<T>): Promise<Result<T>> {
    this.#pending = false;
    let result: Result<T>;
    try {
      result = { ok: true, value: await call() };
    } catch (error) {
      const c = classify(error);
      result = { ok: false, failure: { ...c, message: scrub(c.message, credentials) } };
    }
    this.#view = result.ok ? succeeded(result.value, at) : failed(this.#view, result.failure, at);
    this.#track = afterCall(this.#track, !result.ok && this.backsOff(result.failure.kind), at, this.cadence, this.random);
    return result;
  }

  /** A failure found without a call (an instance profile ARN that names no profile): the view only. */
  fail(at: number, failure: Classified): void {
    this.#view = failed(this.#view, failure, at);
  }
}
