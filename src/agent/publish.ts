import type { AwsViews } from "../aws/index.js";
import type { DriftEvent } from "../drift/transition.js";
import type { Events } from "../observe/events.js";
import type { Metrics } from "../observe/metrics.js";
import type { ImdsChange, ImdsRead } from "./imds-track.js";

interface Outputs {
  metrics: Metrics;
  events: Events;
}

/** IMDS as read, into the metrics; each change, as one event. */
export function publishImds({ metrics, events }: Outputs, read: ImdsRead, changes: ImdsChange[]): void {
  metrics.imdsUp(read.ok);
  const creds = read.ok ? read.view.credentials : null;
  const served = creds && "accessKeyId" in creds ? creds : null;
  if (read.ok) {
    metrics.credentials(served);
    metrics.role("imds", read.view.role);
    metrics.instanceProfile(read.view.info?.instanceProfileArn ?? null);
  }
  for (const change of changes) {
    switch (change.action) {
      case "imds-unavailable": {
        const { failure, path, status } = change;
        events.imdsUnavailable(status === undefined ? { failure, path } : { failure, path, status });
        break;
      }
      case "imds-recovered":
        events.imdsRecovered({ downSeconds: change.downSeconds });
        break;
      case "profile-changed":
        events.profileChanged({ from: change.from, to: change.to });
        break;
      case "role-changed":
        events.roleChanged({ source: "imds", from: change.from, to: change.to });
        break;
      case "credentials-rotated":
        metrics.rotated();
        events.credentialsRotated({ accessKeyId: change.to, previousAccessKeyId: change.from, expiration: served?.expiration ?? null, lastUpdated: served?.lastUpdated ?? null });
        break;
    }
  }
}

/** The roles STS and the profile name, and each drift transition, as metrics and one event. */
export function publishDrifts({ metrics, events }: Outputs, driftEvents: DriftEvent[], aws: AwsViews | null): void {
  if (aws) {
    metrics.role("sts", aws.sts.state === "ok" && aws.sts.value.principal === "assumed-role" ? aws.sts.value.role : null);
    metrics.role("profile", aws.profile.state === "ok" ? (aws.profile.value.roles[0]?.name ?? null) : null);
  }
  for (const e of driftEvents) {
    if (e.type === "detected") {
      metrics.driftDetected(e.kind, e.since);
      events.driftDetected({ kind: e.kind, severity: e.severity, since: e.since, detail: e.detail });
    } else {
      metrics.driftResolved(e.kind, e.durationSeconds);
      events.driftResolved({ kind: e.kind, severity: e.severity, since: e.since, durationSeconds: e.durationSeconds, detail: e.detail });
    }
  }
}
