import type { DriftKind, Severity } from "../drift/kinds.js";
import type { DriftState } from "../drift/state.js";
import { SEVERITY } from "../drift/kinds.js";

/**
 * The drifts only IAM's or EC2's answers decide, revoked sessions included (inferred from their
 * explicit denies, or read from IAM as a monitoring principal); test/agent/fleet.test.ts checks
 * the list against the drift conditions. In fleet mode the agent never reads IAM or EC2, so such a drift,
 * opened in local mode and kept in the state file, could never resolve: it is left to the join of
 * rolewatch_served_info with the account exporter's series (docs/contract.md, Account exporter).
 */
export const CONTROL_PLANE_DRIFTS: readonly DriftKind[] = [
  "profile_role_mismatch", "profile_empty", "role_recreated", "association_mismatch", "profile_missing", "profile_recreated", "credentials_revoked",
];

export const LEFT_TO_ACCOUNT = "no longer decided by this agent: with controlPlane.source account, the account exporter's series decide it in Prometheus";

export interface Dropped {
  kind: DriftKind;
  severity: Severity;
  since: number;
  detail: string;
}

/** `state` without the open drifts of CONTROL_PLANE_DRIFTS, and those it drops. */
export function withoutControlPlaneDrifts(state: DriftState): { state: DriftState; dropped: Dropped[] } {
  const open = { ...state.open };
  const dropped: Dropped[] = [];
  for (const kind of CONTROL_PLANE_DRIFTS) {
    const drift = open[kind];
    if (!drift) continue;
    dropped.push({ kind, severity: SEVERITY[kind], since: drift.since, detail: drift.detail });
    delete open[kind];
  }
  return { state: { ...state, open }, dropped };
}
