import type { AwsViews, View } from "../aws/index.js";
import { isoSeconds } from "../clock.js";
import type { ClockHealth } from "../drift/clock.js";
import type { FoldState } from "../drift/fold.js";
import { SOURCE_NAMES, unreadable, type SourceState, type SourceStates } from "../drift/sources.js";
import type { DriftState } from "../drift/state.js";
import { openDrifts } from "../drift/transition.js";
import type { IdentityDocument, ImdsView } from "../imds/types.js";
import type { ImdsRead } from "../drift/imds.js";
import type { Observed } from "./observe.js";

/**
 * The `check --json` and `/status` object (docs/contract.md, check --json; test/contract/check-output.schema.json).
 * Field renames break users' tooling. No secret, session token or IMDS token appears here.
 */
export interface CheckReport {
  status: "ok" | "warning" | "critical" | "unknown";
  observedAt: string;
  instance: { id: string; accountId: string; region: string } | null;
  imds: ImdsSection;
  sts: { arn: string; account: string; role: string; roleId: string; session: string } | { error: string } | null;
  profile: { name: string; roles: { name: string; id: string }[] } | { error: string } | null;
  /** `associationId` goes beyond the contract's {arn, state}: the remedies need it. */
  association: { arn: string; state: string; associationId?: string } | { error: string } | null;
  /**
   * With a monitoring principal: the served role's AWSRevokeOlderSessions, `revokedBefore` null when
   * it revokes nothing; absent without one, or before it is read.
   */
  revocation?: { role: string; revokedBefore: string | null } | { error: string };
  drifts: { kind: string; severity: "warning" | "critical"; since: string; detail?: string }[];
  /**
   * `check` only: the daemon's state file, whose open drifts (and their starts) it continues; when it
   * cannot be read, each drift starts at this observation.
   */
  stateFile?: { path: string; read: boolean; reason?: string };
  /** Each enabled source's state (docs/contract.md, Source states). */
  sources: Partial<Record<(typeof SOURCE_NAMES)[number], SourceSection>>;
  /** The host clock against the Date of AWS's answers; absent until one is dated or refused for its time. */
  clock?: ClockSection;
}

export interface ClockSection {
  state: "ok" | "skewed";
  /** Server Date minus host time, in seconds, of the last answer that carried a Date. */
  skewSeconds?: number;
  /** The API that answered it, and when. */
  source?: "sts" | "iam" | "ec2";
  at?: string;
  reason?: string;
}

export interface SourceSection {
  state: SourceState["state"];
  since?: string;
  reason?: string;
}

export interface ImdsSection {
  reachable: boolean;
  error?: string;
  profileArn: string | null;
  profileId: string | null;
  role: string | null;
  accessKeyId: string | null;
  expiration: string | null;
  lastUpdated: string | null;
  code: string | null;
}

/**
 * The report of one poll: what it observed, the drifts open after the fold and each
 * source's state. `lastView`: IMDS as last read, shown (stale) while IMDS cannot be read.
 */
export function reportOf(observed: Observed, state: Pick<FoldState, "drift" | "sources" | "clock">, lastView: ImdsView | null = null): CheckReport {
  const drifts = driftSection(state.drift);
  const clock = clockSection(state.clock);
  return {
    status: statusOf(drifts, state.sources),
    observedAt: isoSeconds(observed.started),
    instance: instanceSection(observed.identity),
    imds: imdsSection(observed.imds, lastView),
    ...awsSections(observed.aws),
    drifts,
    sources: sourcesSection(state.sources),
    ...(clock ? { clock } : {}),
  };
}

/**
 * A skewed clock is a health state, not a verdict: below the 15 minutes after which AWS refuses
 * a signature, every comparison of IMDS, STS and the control plane holds whatever the host's
 * time; past them the sources it fails are stale, and say so.
 */
export function clockSection(clock: ClockHealth): ClockSection | undefined {
  const { skew, refused, reason } = clock;
  if (!skew && Object.keys(refused).length === 0) return undefined;
  return {
    state: reason === null ? "ok" : "skewed",
    ...(skew ? { skewSeconds: skew.seconds, source: skew.service, at: isoSeconds(skew.at) } : {}),
    ...(reason === null ? {} : { reason }),
  };
}

export function imdsSection(read: ImdsRead<ImdsView>, lastView: ImdsView | null = null): ImdsSection {
  if (!read.ok) {
    const status = read.status === undefined ? "" : ` (HTTP ${read.status})`;
    return { reachable: false, error: `${read.failure} reading ${read.path}${status}`, ...(lastView ? viewFields(lastView) : emptyView) };
  }
  return { reachable: true, ...viewFields(read.view) };
}

function sourcesSection(sources: SourceStates): CheckReport["sources"] {
  const out: CheckReport["sources"] = {};
  for (const name of SOURCE_NAMES) {
    const s = sources[name];
    if (!s) continue;
    out[name] = { state: s.state, ...("since" in s ? { since: isoSeconds(s.since) } : {}), ...("reason" in s ? { reason: s.reason } : {}) };
  }
  return out;
}

const emptyView = { profileArn: null, profileId: null, role: null, accessKeyId: null, expiration: null, lastUpdated: null, code: null };

function viewFields(view: ImdsView): Omit<ImdsSection, "reachable" | "error"> {
  const creds = view.credentials;
  const served = creds && "accessKeyId" in creds ? creds : null;
  return {
    profileArn: view.info?.instanceProfileArn ?? null,
    profileId: view.info?.instanceProfileId ?? null,
    role: view.role,
    accessKeyId: served?.accessKeyId ?? null,
    expiration: served ? isoSeconds(served.expiration) : null,
    lastUpdated: creds ? isoSeconds(creds.lastUpdated) : null,
    code: creds?.code ?? null,
  };
}

export function instanceSection(doc: IdentityDocument | null): CheckReport["instance"] {
  return doc ? { id: doc.instanceId, accountId: doc.accountId, region: doc.region } : null;
}

type Sections = Pick<CheckReport, "sts" | "profile" | "association" | "revocation">;

/** The STS, profile and association sections: a value, `{error}` when the last read failed, null when never read. */
export function awsSections(aws: AwsViews | null): Sections {
  if (aws === null) return { sts: null, profile: null, association: null };
  return {
    sts: section(aws.sts, (id) =>
      id.principal === "assumed-role"
        ? { arn: id.arn, account: id.account, role: id.role, roleId: id.roleId, session: id.session }
        : { error: `not a role session: ${id.arn}` },
    ),
    profile: section(aws.profile, (p) => ({ name: p.name, roles: p.roles.map(({ name, id }) => ({ name, id })) })),
    association: aws.association === "disabled" ? null : section(aws.association, (a) => (a ? { arn: a.arn, state: a.state, associationId: a.associationId } : null)),
    ...revocationSection(aws.revocation),
  };
}

function revocationSection(view: AwsViews["revocation"]): Pick<CheckReport, "revocation"> {
  const shown = view === "disabled" ? null : section(view, (r) => ({ role: r.role, revokedBefore: r.revokedBefore === null ? null : isoSeconds(r.revokedBefore) }));
  return shown === null ? {} : { revocation: shown };
}

function section<T, R>(view: View<T>, value: (v: T) => R): R | { error: string } | null {
  if (view.state === "never") return null;
  if (view.state === "failed") return { error: view.message.includes(view.code) ? view.message : `${view.code}: ${view.message}` };
  return value(view.value);
}

export function driftSection(state: DriftState): CheckReport["drifts"] {
  return openDrifts(state).map((d) => ({ kind: d.kind, severity: d.severity, since: isoSeconds(d.since), detail: d.detail }));
}

/**
 * The most severe open drift decides; without one, any enabled source that is neither
 * fresh nor none makes it unknown (docs/contract.md, Exit codes): OK means every source
 * answered now, and they agree.
 */
export function statusOf(drifts: CheckReport["drifts"], sources: SourceStates): CheckReport["status"] {
  if (drifts.some((d) => d.severity === "critical")) return "critical";
  if (drifts.length > 0) return "warning";
  return unreadable(sources).length > 0 ? "unknown" : "ok";
}
