import type { AwsObservation, AwsViews, ObserveInput } from "../aws/index.js";
import type { Clock } from "../clock.js";
import { imdsChangesOf, type FoldState } from "../drift/fold.js";
import { dueFromChanges, type ImdsRead } from "../drift/imds.js";
import type { FreshFor } from "../drift/input.js";
import { ImdsError } from "../errors.js";
import type { IdentityDocument, ImdsEndpointLabel, ImdsRequestCode, ImdsView } from "../imds/types.js";

/** One IMDS request as the session made it: what the request metrics count. */
export interface ImdsRequest {
  endpoint: ImdsEndpointLabel;
  code: ImdsRequestCode;
  seconds: number;
}

/** The IMDS reads one poll needs; the real one wraps an ImdsSession. */
export interface ImdsSource {
  readView(): Promise<ImdsView>;
  readIdentity(): Promise<IdentityDocument>;
  /** The requests and token fetches made since the last call. */
  takeRequests(): { requests: ImdsRequest[]; tokenFetches: number };
}

/** The AWS side (src/aws AwsObserver), made once the instance is known. */
export interface AwsSource {
  observe(input: ObserveInput): Promise<AwsObservation>;
  readonly views: AwsViews;
}

/** Everything one poll saw, as the sources returned it: the fold's input, and what publish reports. */
export interface Observed {
  started: number;
  /** When the last source answered: the poll's `now`. */
  at: number;
  imds: ImdsRead<ImdsView>;
  identity: IdentityDocument | null;
  /** Why the identity document could not be read, while `identity` is null. */
  identityProblem?: string;
  /** null: STS and the control plane are not consulted, or the instance is not known yet. */
  aws: AwsObservation | null;
  imdsRequests: ImdsRequest[];
  tokenFetches: number;
  /** How long an AWS answer counts as fresh, from the configured cadences. */
  freshFor?: FreshFor;
  /** Fleet mode: IAM and EC2 are `rolewatch account`'s to read. */
  controlPlaneBy?: "account";
}

/**
 * The observe step of a poll: IMDS, then STS and the control plane when due.
 * It decides nothing; what is due after a change in IMDS is the fold's call
 * (src/drift/fold.ts `imdsChangesOf`).
 */
export class Observer {
  #identity: IdentityDocument | null = null;
  #identityProblem: string | null = null;
  #aws: AwsSource | null = null;

  constructor(private readonly deps: {
    clock: Clock;
    imds: ImdsSource;
    aws: ((identity: IdentityDocument) => AwsSource) | null;
    freshFor?: FreshFor;
    controlPlaneBy?: "account";
  }) {}

  async observe(state: FoldState): Promise<Observed> {
    const { clock, imds } = this.deps;
    const started = clock.now();
    const read = await this.#readImds();
    if (read.ok) await this.#learnIdentity();
    const aws = await this.#observeAws(read, state, clock.now());
    const { requests, tokenFetches } = imds.takeRequests();
    const { freshFor, controlPlaneBy } = this.deps;
    const problem = this.#identity === null && this.#identityProblem !== null ? { identityProblem: this.#identityProblem } : {};
    const mode = { ...(freshFor ? { freshFor } : {}), ...(controlPlaneBy ? { controlPlaneBy } : {}) };
    return { started, at: clock.now(), imds: read, identity: this.#identity, ...problem, aws, imdsRequests: requests, tokenFetches, ...mode };
  }

  async #readImds(): Promise<ImdsRead<ImdsView>> {
    try {
      return { ok: true, view: await this.deps.imds.readView() };
    } catch (error) {
      if (!(error instanceof ImdsError)) throw error;
      const { failure, path, status } = error;
      return status === undefined ? { ok: false, failure, path } : { ok: false, failure, path, status };
    }
  }

  /**
   * The identity document names the instance; it is read until once read. A
   * document out of shape (a field out of its AWS format) names no instance:
   * nothing is asked of AWS for it, and the sources say why.
   */
  async #learnIdentity(): Promise<void> {
    if (this.#identity) return;
    try {
      const identity = await this.deps.imds.readIdentity();
      this.#identity = identity;
      this.#aws = this.deps.aws?.(identity) ?? null;
    } catch (error) {
      if (!(error instanceof ImdsError)) throw error;
      this.#identityProblem = error.message.replace(/^IMDS \S+: /, "");
    }
  }

  async #observeAws(read: ImdsRead<ImdsView>, state: FoldState, now: number): Promise<AwsObservation | null> {
    if (!this.#aws) return null;
    // IMDS could not be read: nothing is asked, and the views stay as the last poll left them.
    if (!read.ok) return { ...this.#aws.views, calls: [] };
    const creds = read.view.credentials;
    return this.#aws.observe({
      credentials: creds && "accessKeyId" in creds ? creds : null,
      profileArn: read.view.info?.instanceProfileArn ?? null,
      role: read.view.role,
      ...dueFromChanges(imdsChangesOf(state, read, now)),
    });
  }
}
