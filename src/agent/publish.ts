import { controlPlaneOutcome, stsOutcome, type AwsObservation } from "../aws/index.js";
import type { FoldEvent, FoldState } from "../drift/fold.js";
import type { ControlPlaneHealth } from "../drift/health.js";
import type { Events } from "../observe/events.js";
import type { Metrics } from "../observe/metrics.js";
import type { Observed } from "./observe.js";
import type { PersistedState } from "./persist.js";
import { servedInfoOf } from "./served.js";
import type { CheckReport } from "./report.js";

export interface Outputs {
  metrics: Metrics;
  events: Events;
  state: PersistedState;
  /** Fleet mode: what the instance serves is exported for Prometheus to join with `rolewatch account`'s series. */
  served?: boolean;
}

/**
 * The one publish point: turns a poll's observation and what the fold made
 * of it into metrics, log events, the persisted state and `/status`. Nothing
 * else writes an output.
 */
export class Publisher {
  #last: CheckReport | null = null;

  constructor(private readonly out: Outputs) {
    // Drifts restored from disk are open: their series say so before the first poll.
    for (const [kind, drift] of Object.entries(out.state.state.open)) out.metrics.driftOpen(kind as keyof typeof out.state.state.open, drift.since);
  }

  /** What `/status` serves: the report of the last poll; null before the first one. */
  get last(): CheckReport | null {
    return this.#last;
  }

  publish(observed: Observed, folded: { state: FoldState; events: FoldEvent[] }, report: CheckReport): void {
    const { metrics, events, state } = this.out;
    imdsMetrics(metrics, observed);
    if (observed.aws) awsMetrics(metrics, observed.aws, folded.state.controlPlane);
    const creds = observed.imds.ok ? observed.imds.view.credentials : null;
    const served = creds && "accessKeyId" in creds ? creds : null;
    for (const e of folded.events) publishEvent(events, metrics, e, served);
    state.update(folded.state.drift);
    metrics.observed(observed.at, (observed.at - observed.started) / 1000);
    metrics.sources(folded.state.sources, observed.at);
    metrics.clockSkew(folded.state.clock.skew?.seconds ?? null);
    if (this.out.served) {
      const served = servedInfoOf(observed, folded.state);
      if (served !== undefined) metrics.served(served);
    }
    this.#last = report;
  }
}

function imdsMetrics(metrics: Metrics, { imds, imdsRequests, tokenFetches }: Observed): void {
  for (const r of imdsRequests) metrics.imdsRequest(r.endpoint, r.code, r.seconds);
  for (let i = 0; i < tokenFetches; i++) metrics.tokenFetched();
  metrics.imdsUp(imds.ok);
  if (!imds.ok) return;
  const creds = imds.view.credentials;
  metrics.credentials(creds && "accessKeyId" in creds ? creds : null);
  metrics.role("imds", imds.view.role);
  metrics.instanceProfile(imds.view.info?.instanceProfileArn ?? null);
}

/** The AWS calls of a poll and the roles STS and the profile name, as metrics. */
export function awsMetrics(metrics: Metrics, aws: AwsObservation, health: ControlPlaneHealth): void {
  for (const { api, outcome } of aws.calls) {
    const kind = outcome === "ok" ? "ok" : outcome.kind;
    if (api === "sts") {
      metrics.stsRequest(stsOutcome(kind));
    } else {
      metrics.controlPlaneRequest(api, controlPlaneOutcome(kind));
      metrics.controlPlane(api, health[api]?.up ?? false);
    }
  }
  metrics.role("sts", aws.sts.state === "ok" && aws.sts.value.principal === "assumed-role" ? aws.sts.value.role : null);
  metrics.role("profile", aws.profile.state === "ok" ? (aws.profile.value.roles[0]?.name ?? null) : null);
}

/** One event the fold named, as its log event and the metrics it moves; `served`: the credentials IMDS serves now. */
export function publishEvent(events: Events, metrics: Metrics, e: FoldEvent, served: { expiration: number; lastUpdated: number } | null): void {
  switch (e.action) {
    case "instance-identified":
      return events.setInstance({ id: e.id, accountId: e.accountId, region: e.region });
    case "imds-unavailable": {
      const { failure, path, status } = e;
      return events.imdsUnavailable(status === undefined ? { failure, path } : { failure, path, status });
    }
    case "imds-recovered":
      return events.imdsRecovered({ downSeconds: e.downSeconds });
    case "profile-changed":
      return events.profileChanged({ from: e.from, to: e.to });
    case "role-changed":
      return events.roleChanged({ source: "imds", from: e.from, to: e.to });
    case "credentials-rotated":
      metrics.rotated();
      return events.credentialsRotated({ accessKeyId: e.to, previousAccessKeyId: e.from, expiration: served?.expiration ?? null, lastUpdated: served?.lastUpdated ?? null });
    case "control-plane-unavailable":
      return events.controlPlaneUnavailable({ api: e.api, reason: e.reason });
    case "control-plane-recovered":
      return events.controlPlaneRecovered({ api: e.api, downSeconds: e.downSeconds });
    case "clock-skewed":
      return events.clockSkewed({ skewSeconds: e.skewSeconds, reason: e.reason });
    case "clock-recovered":
      return events.clockRecovered({ skewSeconds: e.skewSeconds });
    case "drift-detected":
      metrics.driftDetected(e.kind, e.since);
      return events.driftDetected({ kind: e.kind, severity: e.severity, since: e.since, detail: e.detail });
    case "drift-resolved":
      metrics.driftResolved(e.kind, e.durationSeconds);
      return events.driftResolved({ kind: e.kind, severity: e.severity, since: e.since, durationSeconds: e.durationSeconds, detail: e.detail, resolution: e.resolution });
  }
}
