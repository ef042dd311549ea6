import { servedKey } from "./imds.js";
import type { AwsSeen, ImdsRead, PollInput, Seen, StsSeen } from "./input.js";
import type { ImdsFacts, Known, Observation, RevocationFacts, StsFacts } from "./observation.js";
import { DEFAULT_FRESH_FOR } from "./sources.js";
import type { DriftState } from "./state.js";

/**
 * The AccessKeyId STS last answered about. An STS answer is about one
 * AccessKeyId, whose identity does not change, so it holds for as long as
 * IMDS serves that key. This file is the one place that decides it: which
 * answer the fold sees (`factsOf`), and which RoleId it remembers.
 */
export function nextStsKey(prev: string | null, input: PollInput): string | null {
  const sts = input.aws?.sts;
  if (!input.imds.ok || sts === undefined || sts.state === "never" || !sts.fresh) return prev;
  return servedKey(input.imds);
}

/** The served session's RoleId, as STS last confirmed it for the key IMDS serves now. */
export function rememberRoleId(state: DriftState, o: Observation): DriftState["sts"] {
  const key = o.imds.state === "ok" ? o.imds.value.accessKeyId : state.sts?.accessKeyId ?? null;
  if (key === null) return null;
  if (o.sts.state === "ok" && o.sts.value.outcome === "accepted") return { accessKeyId: key, roleId: o.sts.value.roleId };
  return state.sts?.accessKeyId === key ? state.sts : null;
}

/**
 * Reduces what the sources said to what drift decisions need. A source that
 * failed, was never read, or was not read in this observation is unknown:
 * drifts are decided from fresh views only (docs/contract.md, Drift kinds), and the control
 * plane is read whenever IMDS changes.
 */
export function factsOf(input: PollInput, stsKey: string | null, at: number): Observation {
  const { identity, aws } = input;
  const imds = imdsFacts(input.imds);
  const currentKey = imds.state === "ok" ? imds.value.accessKeyId : null;
  return {
    at,
    instance: identity ? { id: identity.instanceId, accountId: identity.accountId } : null,
    imds,
    sts: aws && currentKey !== null && stsKey === currentKey ? stsFacts(aws.sts) : { state: "unknown" },
    profile: profileFacts(imds, aws),
    association: aws === null ? { state: "unknown" } : associationFacts(aws.association),
    revocation: aws === null ? { state: "unknown" } : revocationFacts(aws, at, (input.freshFor ?? DEFAULT_FRESH_FOR).controlPlaneMs),
  };
}

/**
 * A monitoring principal's reading of AWSRevokeOlderSessions is about the role, not a key, so it
 * holds while it is fresh (docs/contract.md, Source states), across rotations. The served
 * credentials' own IAM and EC2 calls say something only in the observation that made them.
 */
function revocationFacts(aws: AwsSeen, at: number, windowMs: number): Known<RevocationFacts> {
  if (aws.controlPlaneSigner === "monitor") {
    const view = aws.revocation;
    if (view === undefined || view === "disabled" || view.state !== "ok" || at - (view.at ?? at) > windowMs) return { state: "unknown" };
    return { state: "ok", value: { by: "policy", role: view.value.role, revokedBefore: view.value.revokedBefore } };
  }
  const views = [["iam", aws.profile], ["ec2", aws.association]] as const;
  const fresh = views.flatMap(([api, v]) => (v !== "disabled" && v.state !== "never" && v.fresh ? [{ api, v }] : []));
  const denied = fresh.find(({ v }) => v.state === "failed" && v.kind === "explicit-deny");
  if (denied && denied.v.state === "failed") return { state: "ok", value: { by: "deny", denied: { api: denied.api, code: denied.v.code } } };
  const answered = fresh.some(({ v }) => v.state === "ok" || v.kind === "not-found");
  return answered ? { state: "ok", value: { by: "deny", denied: null } } : { state: "unknown" };
}

function imdsFacts(read: ImdsRead): Observation["imds"] {
  if (!read.ok) return { state: "unknown" };
  const { info, role, credentials } = read.view;
  const served = credentials && "accessKeyId" in credentials ? credentials : null;
  const value: ImdsFacts = { profileArn: info?.instanceProfileArn ?? null, role, accessKeyId: served?.accessKeyId ?? null, expiration: served?.expiration ?? null };
  if (info?.instanceProfileId !== undefined) value.profileId = info.instanceProfileId;
  if (served?.lastUpdated !== undefined) value.lastUpdated = served.lastUpdated;
  if (credentials && !("accessKeyId" in credentials) && credentials.code !== "Success") value.unavailableCode = credentials.code;
  if (read.view.otherRoles && read.view.otherRoles.length > 0) value.otherRoles = [...read.view.otherRoles];
  return { state: "ok", value };
}

function stsFacts(view: Seen<StsSeen>): Known<StsFacts> {
  if (view.state === "failed" && view.kind === "rejected") return { state: "ok", value: { outcome: "rejected", code: view.code } };
  if (view.state !== "ok") return { state: "unknown" };
  const id = view.value;
  if (id.principal === "assumed-role") {
    return { state: "ok", value: { outcome: "accepted", role: id.role, roleId: id.roleId, account: id.account, session: id.session } };
  }
  // Not a role session at all: a proxy or a spoofed IMDS. Its ARN stands where the role name would.
  return { state: "ok", value: { outcome: "accepted", role: id.arn, roleId: id.userId, account: id.account, session: "" } };
}

function profileFacts(imds: Observation["imds"], aws: AwsSeen | null): Observation["profile"] {
  // No instance profile attached is a known fact: no profile holds a role for this instance.
  if (imds.state === "ok" && imds.value.profileArn === null) return { state: "ok", value: { name: "(none attached)", roles: [] } };
  const view = aws?.profile;
  if (view === undefined || view.state === "never" || !view.fresh) return { state: "unknown" };
  if (view.state === "ok") {
    const { name, id, roles } = view.value;
    return { state: "ok", value: { name, ...(id === undefined ? {} : { id }), roles: roles.map((r) => ({ name: r.name, id: r.id })) } };
  }
  // The profile IMDS names does not exist in IAM: not a profile that holds no role (profile_missing, not profile_empty).
  if (view.kind === "not-found" && imds.state === "ok") {
    return { state: "ok", value: { name: imds.value.profileArn?.split("/").pop() ?? "", roles: [], missing: true } };
  }
  return { state: "unknown" };
}

function associationFacts(view: AwsSeen["association"]): Observation["association"] {
  if (view === "disabled") return { state: "disabled" };
  if (view.state !== "ok" || !view.fresh) return { state: "unknown" };
  const a = view.value;
  return { state: "ok", value: a && { associationId: a.associationId, arn: a.arn, state: a.state, ...(a.id === undefined ? {} : { profileId: a.id }) } };
}
