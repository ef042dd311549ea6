/**
 * When each AWS API is called: pure functions of what happened last, so that
 * hours of cadence are table-tested without waiting.
 *
 * - Never called yet: due now (docs/contract.md, Observation model: "at start").
 * - After a success: due at the next regular time, or at once when IMDS
 *   showed a change (a change bypasses the interval).
 * - After a failure that backs off: due at `retryAt`, drawn once when it
 *   failed. A change does not bypass an active backoff: a throttled API must
 *   not be hammered; the change is checked when the backoff ends.
 */
import { createHash } from "node:crypto";

export interface Backoff {
  /** The floor between two calls to a failing API, and the first step. */
  baseMs: number;
  capMs: number;
}

export interface Cadence {
  intervalMs: number;
  /** null: every `intervalMs` after the last call. A number: calls fall on this instance's slot (see nextRegular). */
  phaseMs: number | null;
  backoff: Backoff;
}

export interface Track {
  lastAttempt: number | null;
  /** Consecutive failures that backed off; 0 after a success. */
  failures: number;
  /** While backing off: when the next call is due. */
  retryAt: number | null;
}

export const neverCalled: Track = { lastAttempt: null, failures: 0, retryAt: null };

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * uniform over the window min(cap, base * 2^failures), here above a floor of
 * `base`. The floor bounds the rate whatever the draw (at most one call per
 * `base` to a failing API), which a daemon that retries forever needs; above
 * it the spread is the blog's full jitter.
 */
export function backoffDelay(failures: number, backoff: Backoff, random: () => number): number {
  const window = Math.min(backoff.capMs, backoff.baseMs * 2 ** failures);
  return backoff.baseMs + random() * Math.max(0, window - backoff.baseMs);
}

/** The track after a call at `at`: a success (or an answer that needs no backoff), or a failure that backs off. */
export function afterCall(track: Track, backsOff: boolean, at: number, cadence: Cadence, random: () => number): Track {
  if (!backsOff) return { lastAttempt: at, failures: 0, retryAt: null };
  const failures = track.failures + 1;
  return { lastAttempt: at, failures, retryAt: at + backoffDelay(failures, cadence.backoff, random) };
}

/**
 * With a phase, calls fall on this instance's slot, the times t with
 * t ≡ phase (mod interval): the first slot after the last call. Slots are
 * fixed on the clock, so a fleet whose agents started together (a launch, a
 * fleet-wide restart) is spread over the whole interval from the second call
 * on, and never drifts back into step as a random per-call jitter can. Every
 * moment is at most one interval before a slot, so a change in the control
 * plane is seen within one interval; a call made off the slot (at start, on
 * a change IMDS showed) costs at most one extra call.
 */
export function nextRegular(lastAttempt: number, cadence: Cadence): number {
  const { intervalMs, phaseMs } = cadence;
  if (phaseMs === null) return lastAttempt + intervalMs;
  return phaseMs + (Math.floor((lastAttempt - phaseMs) / intervalMs) + 1) * intervalMs;
}

/** When the next call is due; `changed`: IMDS showed a change not yet checked. */
export function dueAt(track: Track, cadence: Cadence, changed: boolean): number {
  if (track.lastAttempt === null) return -Infinity;
  if (track.retryAt !== null) return track.retryAt;
  return changed ? track.lastAttempt : nextRegular(track.lastAttempt, cadence);
}

export function isDue(track: Track, cadence: Cadence, now: number, changed: boolean): boolean {
  return now >= dueAt(track, cadence, changed);
}

/** A stable offset in [0, interval) drawn from the instance id: the same on every restart, spread evenly over a fleet. */
export function instancePhase(instanceId: string, intervalMs: number): number {
  const hash = createHash("sha256").update(instanceId, "utf8").digest();
  return hash.readUIntBE(0, 6) % Math.max(1, Math.round(intervalMs));
}
