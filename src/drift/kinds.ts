/**
 * The drift kinds and their severities (docs/contract.md, Drift kinds). These identifiers are
 * a contract: metric label values, event fields and `check --json` use them
 * as written here.
 */
export const DRIFT_KINDS = [
  "profile_role_mismatch",
  "profile_empty",
  "role_recreated",
  "identity_mismatch",
  "association_mismatch",
  "credentials_rejected",
  "credentials_expiring",
  "credentials_unavailable",
  "profile_missing",
  "profile_recreated",
  "credentials_revoked",
] as const;

export type DriftKind = (typeof DRIFT_KINDS)[number];

export type Severity = "critical" | "warning";

export const SEVERITY: Readonly<Record<DriftKind, Severity>> = {
  profile_role_mismatch: "critical",
  profile_empty: "critical",
  role_recreated: "critical",
  identity_mismatch: "critical",
  association_mismatch: "warning",
  credentials_rejected: "critical",
  credentials_expiring: "warning",
  credentials_unavailable: "critical",
  profile_missing: "critical",
  profile_recreated: "critical",
  credentials_revoked: "critical",
};

export function isDriftKind(value: string): value is DriftKind {
  return (DRIFT_KINDS as readonly string[]).includes(value);
}
