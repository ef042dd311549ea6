import type { Clock } from "../clock.js";
import { queryApi, type AwsApi } from "./api.js";
import type { StsIdentity } from "./arn.js";
import { profileNameFromArn } from "./arn.js";
import type { Classified, FailureKind } from "./classify.js";
import { NO_CONFIGURED_ENDPOINTS, type ConfiguredEndpoints } from "./endpoints.js";
import type { AssociationView, InstanceProfileView, RevocationView } from "./parse.js";
import { QUERY_DEFAULTS, type Dated } from "./query.js";
import { instancePhase, type Cadence } from "./schedule.js";
import type { SigningCredentials } from "./sigv4.js";
import { Source } from "./source.js";
import type { AwsViews } from "./views.js";

/**
 * A failing API is called again no sooner than a minute later: the agent
 * polls every few seconds, and a minute is small beside the 5 and 15 minute
 * cadences it delays.
 */
export const BACKOFF_BASE_MS = 60_000;

export interface AwsObserverOptions {
  clock: Clock;
  /** Uniform in [0, 1): the backoff's jitter. */
  random: () => number;
  /** The region the calls are made in (config, else the identity document). */
  region: string;
  instanceId: string;
  stsIntervalMs: number;
  controlPlaneIntervalMs: number;
  /** Whether EC2 DescribeIamInstanceProfileAssociations is called at all. */
  association: boolean;
  /**
   * False in fleet mode (controlPlane.source: account): `rolewatch account` reads IAM and EC2 for
   * the whole account, and this observer calls STS only. Default true.
   */
  controlPlane?: boolean;
  /** The three calls; default: Query calls signed here, to `endpoints`. */
  api?: AwsApi;
  /**
   * Signs IAM and EC2 instead of the served credentials: a monitoring
   * principal keeps the control-plane view readable when the served
   * credentials are revoked (a deleted role, docs/contract.md, Field report, S5 and S6).
   */
  controlPlaneCredentials?: SigningCredentials;
  /** The configured endpoints (aws.endpoint*); default: each API's own in the region. */
  endpoints?: ConfiguredEndpoints;
  timeoutMs?: number;
}

/** A call made in one observation, and how it ended (its message scrubbed of secrets). */
export interface AwsCall {
  api: "sts" | "iam" | "ec2";
  /** Set for IAM GetRolePolicy, beside GetInstanceProfile: each has its own outage (src/drift/health.ts). */
  action?: "GetRolePolicy";
  at: number;
  outcome: "ok" | Classified;
}

/** The views after one observation, and the calls it made to get them. */
export type AwsObservation = AwsViews & { calls: AwsCall[] };

export interface ObserveInput {
  /** The served credentials (every call is signed with exactly these); null when IMDS serves none. */
  credentials: SigningCredentials | null;
  /** IMDS `iam/info` InstanceProfileArn; null when no profile is attached. */
  profileArn: string | null;
  /** The role IMDS serves (its name checked when read): whose revoked sessions a monitoring principal reads. */
  role?: string | null;
  /** IMDS showed a change since the last poll: profile ARN, role or AccessKeyId. */
  imdsChanged: boolean;
  accessKeyIdChanged: boolean;
}

/**
 * The agent's AWS side (docs/contract.md, Observation model): STS on start, on every AccessKeyId change
 * and at least every `stsIntervalMs`; IAM and EC2 on start, on every change
 * seen in IMDS and every `controlPlaneIntervalMs` on this instance's slot;
 * with a monitoring principal, the served role's AWSRevokeOlderSessions on start, when the
 * served role changes and on the same slot; each API with its own backoff (src/aws/schedule.ts).
 * It observes only: what the answers mean is decided by the fold (src/drift/fold.ts).
 */
export class AwsObserver {
  readonly #sts: Source<StsIdentity>;
  readonly #profile: Source<InstanceProfileView>;
  readonly #association: Source<AssociationView | null> | null;
  /** Only with a monitoring principal: the served credentials cannot be asked about their own revocation. */
  readonly #revocation: Source<RevocationView> | null;
  /** The role the revocation view is about. */
  #revocationRole: string | null = null;
  readonly #api: AwsApi;
  #dated: Dated | null = null;

  constructor(private readonly opts: AwsObserverOptions) {
    const { clock, random, region } = opts;
    const onDated = (d: Dated) => {
      if (this.#dated === null || d.receivedAt >= this.#dated.receivedAt) this.#dated = d;
    };
    this.#api = opts.api ?? queryApi({
      clock, region, endpoints: opts.endpoints ?? NO_CONFIGURED_ENDPOINTS, timeoutMs: opts.timeoutMs ?? QUERY_DEFAULTS.timeoutMs, maxBodyBytes: QUERY_DEFAULTS.maxBodyBytes, onDated,
    });
    const sts: Cadence = { intervalMs: opts.stsIntervalMs, phaseMs: null, backoff: { baseMs: BACKOFF_BASE_MS, capMs: opts.stsIntervalMs } };
    // Once the backoff is capped, a failing instance waits 1 + (3*interval - 1 min)/2 on average (8 min for 5):
    // a throttled fleet puts less load on the API than its normal cadence.
    const controlPlane: Cadence = {
      intervalMs: opts.controlPlaneIntervalMs,
      phaseMs: instancePhase(opts.instanceId, opts.controlPlaneIntervalMs),
      backoff: { baseMs: BACKOFF_BASE_MS, capMs: 3 * opts.controlPlaneIntervalMs },
    };
    // STS refusing the credentials is an answer about them, not about STS: no backoff, a new AccessKeyId is checked at once.
    this.#sts = new Source(sts, (kind) => kind !== "rejected", random);
    // Signed with the served credentials, an explicit deny is an answer about them (revoked sessions,
    // credentials_revoked), not about the API: a new AccessKeyId is asked about at once.
    const served = opts.controlPlaneCredentials === undefined;
    const answered = (kind: FailureKind) => kind !== "not-found" && !(served && kind === "explicit-deny");
    this.#profile = new Source(controlPlane, answered, random);
    this.#association = opts.association ? new Source(controlPlane, answered, random) : null;
    this.#revocation = served ? null : new Source(controlPlane, () => true, random);
  }

  get views(): AwsViews {
    return {
      sts: this.#sts.view,
      profile: this.#profile.view,
      association: this.#association?.view ?? "disabled",
      revocation: this.#revocation?.view ?? "disabled",
      controlPlaneSigner: this.#revocation ? "monitor" : "served",
      dated: this.#dated,
    };
  }

  async observe(input: ObserveInput): Promise<AwsObservation> {
    const now = this.opts.clock.now();
    for (const source of [this.#sts, this.#profile, this.#association, this.#revocation]) source?.age();
    this.#sts.noteChange(input.accessKeyIdChanged);
    this.#profile.noteChange(input.imdsChanged);
    this.#association?.noteChange(input.imdsChanged);
    if (input.profileArn === null) this.#profile.clear();
    const { credentials, profileArn } = input;
    // STS always checks the served credentials; the control plane may be read as another principal.
    const controlPlane = this.opts.controlPlane === false ? null : (this.opts.controlPlaneCredentials ?? credentials);
    // Nothing to sign the control-plane calls with: there is nothing to ask, not an old answer (docs/contract.md, Source states).
    if (!controlPlane) for (const source of [this.#profile, this.#association]) source?.clear();
    const calls = await Promise.all([
      credentials ? this.#observeSts(now, credentials) : null,
      controlPlane && profileArn !== null ? this.#observeProfile(now, controlPlane, profileArn) : null,
      controlPlane ? this.#observeAssociation(now, controlPlane) : null,
      this.#observeRevocation(now, credentials ? (input.role ?? null) : null),
    ]);
    return { ...this.views, calls: calls.filter((c): c is AwsCall => c !== null) };
  }

  async #observeSts(now: number, credentials: SigningCredentials): Promise<AwsCall | null> {
    if (!this.#sts.due(now)) return null;
    const result = await this.#sts.call(now, credentials, () => this.#api.getCallerIdentity(credentials));
    return { api: "sts", at: now, outcome: result.ok ? "ok" : result.failure };
  }

  async #observeProfile(now: number, credentials: SigningCredentials, profileArn: string): Promise<AwsCall | null> {
    const name = profileNameFromArn(profileArn);
    if (name === null) {
      this.#profile.fail(now, { kind: "error", code: "BadProfileArn", message: "IMDS names no instance profile ARN" });
      return null;
    }
    if (!this.#profile.due(now)) return null;
    const result = await this.#profile.call(now, credentials, () => this.#api.getInstanceProfile(name, credentials));
    return { api: "iam", at: now, outcome: result.ok ? "ok" : result.failure };
  }

  /** `role`: the served role; null when none is served, and there is nothing revoked to look for. */
  async #observeRevocation(now: number, role: string | null): Promise<AwsCall | null> {
    const source = this.#revocation;
    const monitor = this.opts.controlPlaneCredentials;
    if (!source || !monitor) return null;
    if (role === null) {
      source.clear();
      this.#revocationRole = null;
      return null;
    }
    source.noteChange(role !== this.#revocationRole);
    if (!source.due(now)) return null;
    this.#revocationRole = role;
    const result = await source.call(now, monitor, () => this.#api.getRevocation(role, monitor));
    return { api: "iam", action: "GetRolePolicy", at: now, outcome: result.ok ? "ok" : result.failure };
  }

  async #observeAssociation(now: number, credentials: SigningCredentials): Promise<AwsCall | null> {
    const source = this.#association;
    if (!source?.due(now)) return null;
    const result = await source.call(now, credentials, () => this.#api.describeAssociation(this.opts.instanceId, credentials));
    return { api: "ec2", at: now, outcome: result.ok ? "ok" : result.failure };
  }
}
