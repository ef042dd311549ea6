import type { Clock } from "../clock.js";
import { MAX_SKEW_SECONDS } from "./scenario/scenario.js";
import { isObject, onlyKeys, optionalInteger, Problems, SimInputError } from "./scenario/validate.js";

/**
 * The clock fault: how far the simulator's own clock runs ahead of its clients'
 * (behind, when negative). It moves what a client compares with its own clock on
 * the wire: both ports' Date headers and the API port's signature-date check
 * (docs/wire.md, SigV4). The world's own times (credentials' Expiration and
 * LastUpdated, association timestamps) are not moved: they are the facts the
 * clock fault is measured against.
 */
export class ClockSkew {
  #seconds = 0;

  constructor(seconds = 0) {
    this.set(seconds);
  }

  get seconds(): number {
    return this.#seconds;
  }

  set(seconds: number): void {
    if (!Number.isInteger(seconds) || Math.abs(seconds) > MAX_SKEW_SECONDS) {
      throw new SimInputError(`clock skew must be a whole number of seconds from -${MAX_SKEW_SECONDS} to ${MAX_SKEW_SECONDS} (got ${seconds})`);
    }
    this.#seconds = seconds;
  }

  /** `clock` as the simulator reads it for its headers and signature checks. */
  shifted(clock: Clock): Clock {
    return { now: () => clock.now() + this.#seconds * 1000, sleep: (ms, signal) => clock.sleep(ms, signal) };
  }
}

/** `{"skewSeconds": N}` from an untrusted body (PUT /rolewatch-sim/clock-skew). */
export function parseSkewBody(value: unknown): number {
  const problems = new Problems();
  if (!isObject(value)) throw new SimInputError('body must be {"skewSeconds": <whole seconds>}');
  onlyKeys(value, ["skewSeconds"], "clock skew", problems);
  if (value.skewSeconds === undefined) problems.add("clock skew.skewSeconds", "is required");
  const seconds = optionalInteger(value, "skewSeconds", "clock skew", problems, -MAX_SKEW_SECONDS, MAX_SKEW_SECONDS);
  if (!problems.ok || seconds === undefined) throw new SimInputError(`invalid clock skew: ${problems.list.join("; ")}`);
  return seconds;
}
