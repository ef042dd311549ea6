import { isoTime, servedRole, servesCredentials } from "./conditions.js";
import type { DriftKind } from "./kinds.js";
import type { Observation } from "./observation.js";

/**
 * What is true once a drift has resolved, and so why it ended, in the words a
 * SIEM indexes as a fact: read from the observation that no longer shows it.
 * The text that described the drift stays in its own field.
 */
export function resolution(kind: DriftKind, o: Observation): string {
  if (servesCredentials(o) === false && !ABOUT_MORE_THAN_CREDENTIALS.has(kind)) return "IMDS serves no credentials any more";
  return RESOLUTIONS[kind](o);
}

/** Drifts that can show whether or not IMDS serves credentials: their end is told by what they are about. */
const ABOUT_MORE_THAN_CREDENTIALS: ReadonlySet<DriftKind> = new Set(["association_mismatch", "credentials_unavailable", "profile_missing", "profile_recreated"]);

const noProfile = (o: Observation): boolean => o.imds.state === "ok" && o.imds.value.profileArn === null;

const served = (o: Observation): string => servedRole(o) ?? (o.imds.state === "ok" ? "no role" : "an unknown role");

const profile = (o: Observation): string => (o.profile.state === "ok" ? `instance profile ${o.profile.value.name}` : "the instance profile");

const RESOLUTIONS: Readonly<Record<DriftKind, (o: Observation) => string>> = {
  profile_role_mismatch: (o) =>
    o.profile.state === "ok" && o.profile.value.roles.length === 0 ? `${profile(o)} holds no role now` : `IMDS now serves ${served(o)}, the role ${profile(o)} holds`,
  profile_empty: (o) => {
    const roles = o.profile.state === "ok" ? o.profile.value.roles.map((r) => r.name).join(", ") : "";
    return roles === "" ? `${profile(o)} is no longer read as empty` : `${profile(o)} holds ${roles} again`;
  },
  role_recreated: (o) => `the served session belongs to the role ${profile(o)} holds now (${served(o)})`,
  identity_mismatch: (o) => {
    const listed = o.imds.state === "ok" && (o.imds.value.otherRoles ?? []).length === 0 ? [`IMDS lists one role (${o.imds.value.role ?? "none"})`] : [];
    const sts = o.sts.state === "ok" && o.sts.value.outcome === "accepted"
      ? `STS names ${o.sts.value.role} in account ${o.sts.value.account} for ${o.sts.value.session}, as IMDS and the instance say`
      : "STS names no other identity";
    return [...listed, sts].join("; ");
  },
  association_mismatch: (o) => {
    const assoc = o.association.state === "ok" ? o.association.value : null;
    if (assoc === null) return "EC2 shows no association, and IMDS reports no instance profile";
    return `EC2 associates ${assoc.arn} (${assoc.state}), as IMDS reports`;
  },
  credentials_rejected: () => "STS accepts the served credentials",
  credentials_unavailable: (o) => {
    const imds = o.imds.state === "ok" ? o.imds.value : null;
    return imds?.accessKeyId ? `IMDS serves ${imds.role ?? "the role"}'s credentials again` : "IMDS lists no role's credentials any more";
  },
  profile_missing: (o) => (noProfile(o) ? "IMDS names no instance profile any more" : `${profile(o)} exists in IAM`),
  profile_recreated: (o) => {
    if (noProfile(o)) return "IMDS names no instance profile any more";
    if (o.profile.state === "ok" && o.profile.value.missing) return `${profile(o)} no longer exists in IAM`;
    const id = o.imds.state === "ok" ? o.imds.value.profileId : null;
    return id ? `iam/info shows InstanceProfileId ${id}, the id IAM has for ${profile(o)}` : `the instance is tied to the ${profile(o)} IAM has`;
  },
  credentials_revoked: (o) => {
    const imds = o.imds.state === "ok" ? o.imds.value : null;
    const key = imds?.accessKeyId ?? "";
    const r = o.revocation.state === "ok" ? o.revocation.value : null;
    if (r?.by === "policy" && r.revokedBefore === null) return `${r.role}'s sessions are no longer revoked (no AWSRevokeOlderSessions)`;
    if (r?.by === "policy" && r.revokedBefore !== null && imds?.lastUpdated) {
      return `IMDS serves credentials (${key}) issued at ${isoTime(imds.lastUpdated)}, after the revocation of ${isoTime(r.revokedBefore)}`;
    }
    if (r?.by === "deny") return `IAM and EC2 answer the served credentials (${key}) again`;
    return `IMDS serves ${served(o)}'s credentials (${key}), which are not revoked`;
  },
  credentials_expiring: (o) => {
    const expiration = o.imds.state === "ok" ? o.imds.value.expiration : null;
    return expiration === null ? "IMDS serves no credentials any more" : `IMDS serves credentials that expire in ${Math.round((expiration - o.at) / 1000)} s`;
  },
};
