import type { Clock } from "../clock.js";
import { isoSeconds } from "../clock.js";
import { ImdsError } from "../errors.js";
import type { IdentityDocument, ImdsView } from "../imds/types.js";
import type { Events } from "../observe/events.js";
import type { Metrics } from "../observe/metrics.js";
import { initialTrack, trackImds, type ImdsChange, type ImdsRead, type ImdsTrack } from "./imds-track.js";
import { imdsSection, instanceSection, type CheckReport } from "./report.js";

/** The IMDS reads one poll needs; the real one wraps an ImdsSession. */
export interface ImdsSource {
  readView(): Promise<ImdsView>;
  readIdentity(): Promise<IdentityDocument>;
}

export interface AgentDeps {
  clock: Clock;
  imds: ImdsSource;
  metrics: Metrics;
  events: Events;
}

/**
 * One observation per poll: read every source, fold what changed into the
 * tracked state, and publish it as metrics, events and the last report.
 */
export class Agent {
  #track: ImdsTrack = initialTrack;
  #identity: IdentityDocument | null = null;
  #last: CheckReport | null = null;

  constructor(private readonly deps: AgentDeps) {}

  /** The report of the last observation; null before the first one. */
  get last(): CheckReport | null {
    return this.#last;
  }

  async poll(): Promise<CheckReport> {
    const { clock, metrics } = this.deps;
    const started = clock.now();
    const read = await this.#readImds();
    if (read.ok) await this.#learnIdentity();
    const { track, changes } = trackImds(this.#track, read, clock.now());
    this.#track = track;
    this.#publish(read, changes);
    const report = this.#report(read, started);
    metrics.observed(clock.now(), (clock.now() - started) / 1000);
    this.#last = report;
    return report;
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
      this.#identity = await this.deps.imds.readIdentity();
      this.deps.events.setInstance({ id: this.#identity.instanceId, accountId: this.#identity.accountId, region: this.#identity.region });
    } catch (error) {
      if (!(error instanceof ImdsError)) throw error;
    }
  }

  #publish(read: ImdsRead, changes: ImdsChange[]): void {
    const { metrics } = this.deps;
    metrics.imdsUp(read.ok);
    if (read.ok) {
      const creds = read.view.credentials;
      metrics.credentials(creds && "accessKeyId" in creds ? creds : null);
      metrics.role("imds", read.view.role);
      metrics.instanceProfile(read.view.info?.instanceProfileArn ?? null);
    }
    for (const change of changes) this.#emit(change, read);
  }

  #emit(change: ImdsChange, read: ImdsRead): void {
    const { metrics, events } = this.deps;
    switch (change.action) {
      case "imds-unavailable":
        return events.imdsUnavailable(change.status === undefined ? { failure: change.failure, path: change.path } : { failure: change.failure, path: change.path, status: change.status });
      case "imds-recovered":
        return events.imdsRecovered({ downSeconds: change.downSeconds });
      case "profile-changed":
        return events.profileChanged({ from: change.from, to: change.to });
      case "role-changed":
        return events.roleChanged({ source: "imds", from: change.from, to: change.to });
      case "credentials-rotated": {
        metrics.rotated();
        const creds = read.ok ? read.view.credentials : null;
        const served = creds && "accessKeyId" in creds ? creds : null;
        return events.credentialsRotated({
          accessKeyId: change.to,
          previousAccessKeyId: change.from,
          expiration: served?.expiration ?? null,
          lastUpdated: served?.lastUpdated ?? null,
        });
      }
    }
  }

  #report(read: ImdsRead, started: number): CheckReport {
    return {
      status: read.ok ? "ok" : "unknown",
      observedAt: isoSeconds(started),
      instance: instanceSection(this.#identity),
      imds: imdsSection(read),
      sts: null,
      profile: null,
      association: null,
      drifts: [],
    };
  }
}
