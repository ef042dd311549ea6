import type { CallSeen, Failure } from "./input.js";

export type ControlPlaneName = "iam" | "ec2";

/** One control-plane API as the agent last found it; absent before its first call. */
export interface Health {
  up: boolean;
  downSince: number | null;
  /** The actions of this API whose last call failed ("" for its usual one, IAM GetRolePolicy by name). */
  failing?: readonly string[];
}

export type ControlPlaneHealth = Partial<Record<ControlPlaneName, Health>>;

export type HealthEvent =
  | { action: "control-plane-unavailable"; api: ControlPlaneName; reason: string }
  | { action: "control-plane-recovered"; api: ControlPlaneName; downSeconds: number };

/**
 * Folds this poll's control-plane calls into their health: one unavailable
 * event per outage and one recovered event after it (docs/contract.md, Log events: on
 * transitions, not on every poll). An answer that the profile does not exist
 * is the API working: up. An API with more than one action (IAM GetInstanceProfile and,
 * for a monitoring principal, GetRolePolicy, each on its own schedule) is down while the
 * last call of any of its actions failed, so that one action's answer does not hide the other's outage.
 */
export function foldHealth(prev: ControlPlaneHealth, calls: readonly CallSeen[]): { health: ControlPlaneHealth; events: HealthEvent[] } {
  const health: ControlPlaneHealth = { ...prev };
  const events: HealthEvent[] = [];
  for (const call of calls) {
    if (call.api === "sts") continue;
    const { api, at, outcome } = call;
    const failure = outcome === "ok" || outcome.kind === "not-found" ? null : outcome;
    const was = health[api];
    const action = call.action ?? "";
    const failing = new Set((was?.failing ?? (was && !was.up ? [""] : [])).filter((a) => a !== action));
    if (failure !== null) failing.add(action);
    const up = failing.size === 0;
    const since = was?.downSince ?? null;
    if (up && since !== null) events.push({ action: "control-plane-recovered", api, downSeconds: Math.round((at - since) / 1000) });
    else if (failure !== null && since === null) events.push({ action: "control-plane-unavailable", api, reason: reason(failure) });
    health[api] = { up, downSince: up ? null : (since ?? at), ...(failing.size > 0 ? { failing: [...failing] } : {}) };
  }
  return { health, events };
}

/** `Throttling (HTTP 400): Rate exceeded`: the code first, for a SIEM rule to match on. */
export function reason(failure: Failure): string {
  const http = failure.status === undefined ? "" : ` (HTTP ${failure.status})`;
  return `${failure.code}${http}${failure.message ? `: ${failure.message}` : ""}`;
}
