import { CONDITIONS } from "./conditions.js";
import { rememberRoleId } from "./facts.js";
import { DRIFT_KINDS, SEVERITY, type DriftKind, type Severity } from "./kinds.js";
import type { Observation } from "./observation.js";
import { resolution } from "./resolutions.js";
import type { DriftState, OpenDrift } from "./state.js";

export type DriftEvent =
  | { type: "detected"; kind: DriftKind; severity: Severity; since: number; detail: string }
  | { type: "resolved"; kind: DriftKind; severity: Severity; since: number; durationSeconds: number; detail: string; resolution: string };

/**
 * The drift engine: folds one observation into the state. A drift opens on
 * the first observation that shows it, stays open while observations show
 * it, and resolves on the first that no longer does; a drift whose sources
 * are unknown is kept as it is (docs/contract.md, Drift kinds). Pure: no I/O, no clock.
 */
export function transition(state: DriftState, o: Observation, now: number): { state: DriftState; events: DriftEvent[] } {
  const open: Partial<Record<DriftKind, OpenDrift>> = {};
  const events: DriftEvent[] = [];
  const sts = rememberRoleId(state, o);
  const memory = { servedRoleId: sts?.roleId ?? null };
  for (const kind of DRIFT_KINDS) {
    const was = state.open[kind];
    const verdict = CONDITIONS[kind](o, memory);
    const severity = SEVERITY[kind];
    if (verdict === null) {
      if (was) open[kind] = was;
    } else if (verdict.shows) {
      open[kind] = { since: was?.since ?? now, detail: verdict.detail };
      if (!was) events.push({ type: "detected", kind, severity, since: now, detail: verdict.detail });
    } else if (was) {
      const durationSeconds = Math.max(0, Math.round((now - was.since) / 1000));
      events.push({ type: "resolved", kind, severity, since: was.since, durationSeconds, detail: was.detail, resolution: resolution(kind, o) });
    }
  }
  return { state: { ...state, open, sts }, events };
}

/** The drifts open in a state, most severe first, as reports list them. */
export function openDrifts(state: DriftState): { kind: DriftKind; severity: Severity; since: number; detail: string }[] {
  return DRIFT_KINDS.flatMap((kind) => {
    const drift = state.open[kind];
    return drift ? [{ kind, severity: SEVERITY[kind], since: drift.since, detail: drift.detail }] : [];
  }).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
}
