import type { AwsApiName, AwsSeen } from "./input.js";

/**
 * Past a minute the host clock is skewed: a Date has 1 s resolution and an answer takes well
 * under a second on its way, so a minute is no measuring error, and it is a quarter of the 15
 * minutes after which AWS refuses a signature (docs/wire.md, SigV4, step 2).
 */
export const SKEW_LIMIT_SECONDS = 60;

/**
 * The host clock against AWS's, as the agent last found it. Expiry, drift durations and every
 * SigV4 signature rest on the host clock; the Date of each answer is the service's.
 */
export interface ClockHealth {
  /** Server Date minus the local time the answer came at: positive when the host clock is behind. */
  skew: { seconds: number; service: AwsApiName; at: number } | null;
  /** Each API whose last call was refused for its time (RequestExpired, "Signature expired", …), until one is answered otherwise. */
  refused: Partial<Record<AwsApiName, { code: string; at: number }>>;
  /** Why the clock is skewed; null while it is not. */
  reason: string | null;
}

export type ClockEvent =
  | { action: "clock-skewed"; skewSeconds: number | null; reason: string }
  | { action: "clock-recovered"; skewSeconds: number | null };

/** Failures that say nothing of whether the request's time was accepted: no answer, or an answer out of shape. */
const NOT_ABOUT_TIME = new Set(["clock-skew", "retryable", "error"]);

export const initialClock: ClockHealth = { skew: null, refused: {}, reason: null };

/**
 * Folds this poll's answers into the clock's health: skewed when the last Date is more than a
 * minute from the host's clock, or when the last call was refused for its time. One event when
 * it becomes skewed and one when it is no longer (docs/contract.md, Log events).
 */
export function foldClock(prev: ClockHealth, aws: AwsSeen | null): { clock: ClockHealth; events: ClockEvent[] } {
  const dated = aws?.dated ?? null;
  const skew = dated ? { seconds: Math.round((dated.serverMs - dated.receivedAt) / 1000), service: dated.service, at: dated.receivedAt } : prev.skew;
  const refused = { ...prev.refused };
  for (const { api, at, outcome } of aws?.calls ?? []) {
    if (outcome !== "ok" && outcome.kind === "clock-skew") refused[api] = { code: outcome.code, at };
    // An answer about anything but the time (a value, a deny, a throttle) shows the request's time was taken.
    else if (outcome === "ok" || !NOT_ABOUT_TIME.has(outcome.kind)) delete refused[api];
  }
  const reason = reasonOf(skew, refused);
  const clock = { skew, refused, reason };
  const seconds = skew?.seconds ?? null;
  if (reason !== null && prev.reason === null) return { clock, events: [{ action: "clock-skewed", skewSeconds: seconds, reason }] };
  if (reason === null && prev.reason !== null) return { clock, events: [{ action: "clock-recovered", skewSeconds: seconds }] };
  return { clock, events: [] };
}

function reasonOf(skew: ClockHealth["skew"], refused: ClockHealth["refused"]): string | null {
  const parts: string[] = [];
  if (skew && Math.abs(skew.seconds) > SKEW_LIMIT_SECONDS) {
    const way = skew.seconds > 0 ? "behind" : "ahead of";
    parts.push(`the host clock is ${Math.abs(skew.seconds)} s ${way} ${skew.service.toUpperCase()}'s (the Date of its last answer)`);
  }
  for (const [api, r] of Object.entries(refused)) parts.push(`${api.toUpperCase()} refused a request for its time (${r.code})`);
  return parts.length > 0 ? parts.join("; ") : null;
}
