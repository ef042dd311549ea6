/** How one API's health moves with each attempt, and the log event a change makes. Pure. */
import type { Classified } from "../aws/index.js";
import type { AccountApiName, ApiHealth, HealthChange } from "./views.js";

export function initialHealth(api: AccountApiName, region = ""): ApiHealth {
  return { api, region, up: false, lastSuccess: null, failure: null, downSince: null };
}

/** The health after an attempt at `now`: a success (`failure` null) or a failure. */
export function afterAttempt(
  health: ApiHealth, account: string | null, failure: Classified | null, now: number,
): { health: ApiHealth; change: HealthChange | null } {
  const { api, region } = health;
  if (failure === null) {
    const change: HealthChange | null = health.downSince === null ? null
      : { change: "recovered", account, api, region, downSeconds: Math.round((now - health.downSince) / 1000) };
    return { health: { ...health, up: true, lastSuccess: now, failure: null, downSince: null }, change };
  }
  // One event per outage: the first failure after a success, or the first attempt failing.
  const change: HealthChange | null = health.downSince === null ? { change: "failed", account, api, region, failure } : null;
  return { health: { ...health, up: false, failure, downSince: health.downSince ?? now }, change };
}
