import { codeMeaning } from "./codes.js";
import type { DriftKind } from "./kinds.js";
import type { ImdsFacts, Observation } from "./observation.js";

/** Whether a drift shows in an observation; null: its sources are unknown, so it cannot be decided. */
export type Verdict = { shows: boolean; detail: string } | null;

/**
 * What earlier observations taught: the RoleId STS gave for the AccessKeyId
 * IMDS serves now. STS rejects a deleted role's sessions, yet that RoleId is
 * what tells a re-created role apart (docs/contract.md, Field report, S6).
 */
export interface Memory {
  servedRoleId: string | null;
}

const EXPIRY_WARNING_MS = 5 * 60_000; // IMDS rotates "at least five minutes before the expiration" (EC2 User Guide)

/** The role of the served credentials: what STS says, else what IMDS says (docs/contract.md, Drift kinds). */
export function servedRole(o: Observation): string | null {
  if (o.sts.state === "ok" && o.sts.value.outcome === "accepted") return o.sts.value.role;
  return o.imds.state === "ok" ? o.imds.value.role : null;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, as IMDS and IAM write times. */
export const isoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Whether IMDS serves credentials; once it serves none, no drift about served credentials can show. */
export function servesCredentials(o: Observation): boolean | null {
  if (o.imds.state !== "ok") return null;
  return o.imds.value.accessKeyId !== null;
}

export const CONDITIONS: Readonly<Record<DriftKind, (o: Observation, memory: Memory) => Verdict>> = {
  profile_role_mismatch(o) {
    const serves = servesCredentials(o);
    if (serves === false) return { shows: false, detail: "" };
    if (serves === null || o.profile.state !== "ok") return null;
    const role = servedRole(o);
    const held = o.profile.value.roles.map((r) => r.name);
    if (role === null || held.length === 0) return { shows: false, detail: "" };
    return { shows: !held.includes(role), detail: `IMDS serves ${role}; instance profile ${o.profile.value.name} holds ${held.join(", ")}` };
  },

  profile_empty(o) {
    const serves = servesCredentials(o);
    if (serves === false) return { shows: false, detail: "" };
    if (serves === null || o.profile.state !== "ok") return null;
    const role = servedRole(o) ?? "a role";
    return { shows: o.profile.value.roles.length === 0 && !o.profile.value.missing, detail: `instance profile ${o.profile.value.name} holds no role, yet IMDS serves ${role}'s credentials` };
  },

  role_recreated(o, memory) {
    if (servesCredentials(o) === false) return { shows: false, detail: "" };
    if (o.imds.state !== "ok" || o.profile.state !== "ok") return null;
    const role = o.imds.value.role;
    const accepted = o.sts.state === "ok" && o.sts.value.outcome === "accepted" ? o.sts.value : null;
    const servedId = accepted?.roleId ?? memory.servedRoleId;
    const held = o.profile.value.roles.find((r) => r.name === (accepted?.role ?? role));
    if (role === null || o.imds.value.accessKeyId === null || !held) return { shows: false, detail: "" };
    if (servedId === null) return null;
    return { shows: servedId !== held.id, detail: `${held.name} was re-created: the served session belongs to RoleId ${servedId}, the profile's role is ${held.id}` };
  },

  identity_mismatch(o) {
    if (o.imds.state !== "ok") return null;
    const listed = listedProblem(o.imds.value);
    const sts = stsProblems(o);
    if (sts === null) return listed === "" ? null : { shows: true, detail: listed };
    const problems = [listed, ...sts].filter(Boolean);
    return { shows: problems.length > 0, detail: problems.join("; ") };
  },

  association_mismatch(o) {
    if (o.association.state !== "ok" || o.imds.state !== "ok") return null;
    const assoc = o.association.value;
    const imdsArn = o.imds.value.profileArn;
    if (assoc === null) return { shows: imdsArn !== null, detail: `EC2 shows no association, yet IMDS reports ${imdsArn ?? ""}` };
    if (assoc.state !== "associated") return { shows: true, detail: `association ${assoc.associationId} is ${assoc.state}` };
    return { shows: assoc.arn !== imdsArn, detail: `EC2 associates ${assoc.arn}; IMDS reports ${imdsArn ?? "no instance profile"}` };
  },

  credentials_rejected(o) {
    if (servesCredentials(o) === false) return { shows: false, detail: "" };
    if (o.sts.state !== "ok") return null;
    const sts = o.sts.value;
    return { shows: sts.outcome === "rejected", detail: sts.outcome === "rejected" ? `STS rejects the served credentials: ${sts.code}` : "" };
  },

  credentials_unavailable(o) {
    if (o.imds.state !== "ok") return null;
    const { unavailableCode: code, role } = o.imds.value;
    if (code === undefined) return { shows: false, detail: "" };
    return { shows: true, detail: `IMDS serves no credentials for ${role ?? "the role"}: ${code} (${codeMeaning(code)})` };
  },

  profile_missing(o) {
    if (o.profile.state !== "ok") return null;
    const { name, missing } = o.profile.value;
    const serves = servesCredentials(o) === true ? `; IMDS still serves ${servedRole(o) ?? "the role"}'s credentials` : "";
    return { shows: missing === true, detail: `instance profile ${name}, which iam/info names, does not exist in IAM (NoSuchEntity)${serves}` };
  },

  profile_recreated(o) {
    if (o.imds.state !== "ok" || o.profile.state !== "ok") return null;
    const profile = o.profile.value;
    const { profileArn, profileId } = o.imds.value;
    if (profileArn === null || profile.missing || profile.id === undefined) return { shows: false, detail: "" };
    const assoc = o.association.state === "ok" && o.association.value?.arn === profileArn ? o.association.value.profileId : undefined;
    // Only what this observation shows: iam/info's id, and the association's when it names the same profile.
    const shown = [
      profileId === undefined || profileId === null ? null : { where: "iam/info", id: profileId },
      assoc === undefined ? null : { where: "the association", id: assoc },
    ].filter((s) => s !== null);
    if (shown.length === 0) return null;
    const others = shown.filter((s) => s.id !== profile.id);
    const detail = `instance profile ${profile.name} was deleted and created again: IAM's has InstanceProfileId ${profile.id}, ${shown.map((s) => `${s.where} shows ${s.id}`).join(" and ")}; the instance is tied to a profile that no longer exists`;
    return { shows: others.length > 0, detail };
  },

  credentials_revoked(o) {
    const serves = servesCredentials(o);
    if (serves === false) return { shows: false, detail: "" };
    if (serves === null || o.imds.state !== "ok" || o.revocation.state !== "ok") return null;
    const { role, accessKeyId, lastUpdated } = o.imds.value;
    const r = o.revocation.value;
    if (r.by === "policy") {
      // Read for another role than IMDS serves now: the served role's is read at once (src/aws/observer.ts).
      if (r.role !== role) return null;
      if (r.revokedBefore === null) return { shows: false, detail: "" };
      if (lastUpdated === undefined || lastUpdated === null) return null;
      const detail = `${r.role}'s sessions issued before ${isoTime(r.revokedBefore)} are revoked (AWSRevokeOlderSessions, read as the monitoring principal); the served credentials (${accessKeyId ?? ""}) were issued at ${isoTime(lastUpdated)}: every call they sign but STS's is denied`;
      return { shows: lastUpdated < r.revokedBefore, detail };
    }
    if (r.denied === null) return { shows: false, detail: "" };
    // STS must accept the credentials: refused, they are credentials_rejected, not revoked sessions.
    if (o.sts.state !== "ok") return null;
    if (o.sts.value.outcome !== "accepted") return { shows: false, detail: "" };
    const api = r.denied.api.toUpperCase();
    const detail = `inferred from an explicit deny, with the served credentials alone (no monitoring principal reads AWSRevokeOlderSessions): ${api} answers ${r.denied.code} "with an explicit deny in an identity-based policy" to the served credentials (${accessKeyId ?? ""}) while STS accepts them, as for sessions issued before a revocation`;
    return { shows: true, detail };
  },

  credentials_expiring(o) {
    if (o.imds.state !== "ok") return null;
    const { expiration } = o.imds.value;
    if (expiration === null) return { shows: false, detail: "" };
    const left = expiration - o.at;
    const detail = left > 0 ? `the served credentials expire in ${Math.round(left / 1000)} s and IMDS has not rotated them` : "the served credentials have expired and IMDS still serves them";
    return { shows: left <= EXPIRY_WARNING_MS, detail };
  },
};

/** More than one role listed: an instance profile holds at most one, so this IMDS is not behaving as EC2's does. */
function listedProblem(imds: ImdsFacts): string {
  const others = imds.otherRoles ?? [];
  if (others.length === 0) return "";
  const all = [imds.role ?? "", ...others];
  return `IMDS lists ${all.length} roles (${all.join(", ")}); an instance profile holds at most one`;
}

/** What STS says against IMDS's claim; null: not decidable from this observation. */
function stsProblems(o: Observation): string[] | null {
  if (servesCredentials(o) === false) return [];
  if (o.imds.state !== "ok" || o.sts.state !== "ok") return null;
  if (o.sts.value.outcome !== "accepted") return [];
  const sts = o.sts.value;
  return [
    sts.role !== o.imds.value.role ? `STS says role ${sts.role}, IMDS serves ${o.imds.value.role ?? "none"}` : "",
    o.instance && sts.account !== o.instance.accountId ? `STS says account ${sts.account}, the instance is in ${o.instance.accountId}` : "",
    o.instance && sts.session !== o.instance.id ? `the session is ${sts.session}, not this instance (${o.instance.id})` : "",
  ];
}
