import type { AwsViews, ObserveInput } from "../aws/index.js";
import type { Clock } from "../clock.js";
import { isoSeconds } from "../clock.js";
import { transition } from "../drift/transition.js";
import { ImdsError } from "../errors.js";
import type { IdentityDocument, ImdsView } from "../imds/types.js";
import type { Events } from "../observe/events.js";
import type { Metrics } from "../observe/metrics.js";
import { trackImds, type ImdsChange, type ImdsRead, type ImdsTrack } from "./imds-track.js";
import { toObservation } from "./observation.js";
import { publishDrifts, publishImds } from "./publish.js";
import type { PersistedState } from "./persist.js";
import { awsSections, driftSection, imdsSection, instanceSection, statusOf, type CheckReport } from "./report.js";

/** The IMDS reads one poll needs; the real one wraps an ImdsSession. */
export interface ImdsSource {
  readView(): Promise<ImdsView>;
  readIdentity(): Promise<IdentityDocument>;
}

/** The AWS side (src/aws AwsObserver), made once the instance is known. */
export interface AwsSource {
  observe(input: ObserveInput): Promise<AwsViews>;
  readonly views: AwsViews;
}

export interface AgentDeps {
  clock: Clock;
  imds: ImdsSource;
  /** Null: STS and the control plane are not consulted. */
  aws: ((identity: IdentityDocument) => AwsSource) | null;
  state: PersistedState;
  metrics: Metrics;
  events: Events;
}

/**
 * One observation per poll: read IMDS, ask STS and the control plane when
 * due, fold the result into the drift state, and publish it as metrics,
 * events, the persisted state and the last report.
 */
export class Agent {
  #track: ImdsTrack;
  #identity: IdentityDocument | null = null;
  #aws: AwsSource | null = null;
  /** The AccessKeyId STS was last asked about: its answer counts only for that key. */
  #stsKey: string | null = null;
  #last: CheckReport | null = null;

  constructor(private readonly deps: AgentDeps) {
    const known = deps.state.state.imds;
    this.#track = { up: null, downSince: null, profileArn: known?.profileArn ?? null, role: known?.role ?? null, accessKeyId: known?.accessKeyId ?? null };
    for (const [kind, drift] of Object.entries(deps.state.state.open)) deps.metrics.driftOpen(kind as keyof typeof deps.state.state.open, drift.since);
  }

  /** The report of the last observation; null before the first one. */
  get last(): CheckReport | null {
    return this.#last;
  }

  async poll(): Promise<CheckReport> {
    const { clock, metrics, state } = this.deps;
    const started = clock.now();
    const read = await this.#readImds();
    if (read.ok) await this.#learnIdentity();
    const { track, changes } = trackImds(this.#track, read, clock.now());
    this.#track = track;
    publishImds(this.deps, read, changes);
    const aws = await this.#observeAws(read, changes);
    const now = clock.now();
    const result = transition(state.state, toObservation(read, aws, this.#identity, this.#stsKey, now), now);
    state.update({ ...result.state, imds: { profileArn: track.profileArn, role: track.role, accessKeyId: track.accessKeyId } });
    publishDrifts(this.deps, result.events, aws);
    const drifts = driftSection(state.state);
    const report: CheckReport = {
      status: statusOf(read.ok, drifts),
      observedAt: isoSeconds(started),
      instance: instanceSection(this.#identity),
      imds: imdsSection(read),
      ...awsSections(aws),
      drifts,
    };
    metrics.observed(now, (now - started) / 1000);
    return (this.#last = report);
  }

  async #readImds(): Promise<ImdsRead> {
    try {
      return { ok: true, view: await this.deps.imds.readView() };
    } catch (error) {
      if (!(error instanceof ImdsError)) throw error;
      const { failure, path, status } = error;
      return status === undefined ? { ok: false, failure, path } : { ok: false, failure, path, status };
    }
  }

  /** The identity document names the instance; it is read until once read. */
  async #learnIdentity(): Promise<void> {
    if (this.#identity) return;
    try {
      const identity = await this.deps.imds.readIdentity();
      this.#identity = identity;
      this.deps.events.setInstance({ id: identity.instanceId, accountId: identity.accountId, region: identity.region });
      this.#aws = this.deps.aws?.(identity) ?? null;
    } catch (error) {
      if (!(error instanceof ImdsError)) throw error;
    }
  }

  async #observeAws(read: ImdsRead, changes: ImdsChange[]): Promise<AwsViews | null> {
    if (!this.#aws) return null;
    if (!read.ok) return this.#aws.views;
    const creds = read.view.credentials;
    const credentials = creds && "accessKeyId" in creds ? creds : null;
    const keyChanged = changes.some((c) => c.action === "credentials-rotated" || c.action === "role-changed");
    const views = await this.#aws.observe({
      credentials,
      profileArn: read.view.info?.instanceProfileArn ?? null,
      imdsChanged: keyChanged || changes.some((c) => c.action === "profile-changed"),
      accessKeyIdChanged: keyChanged,
    });
    if (views.sts.state !== "never" && views.sts.fresh) this.#stsKey = credentials?.accessKeyId ?? null;
    return views;
  }
}
