import { Registry } from "prom-client";
import { DRIFT_KINDS, type DriftKind } from "../drift/kinds.js";
import { SOURCE_NAMES, type SourceStates } from "../drift/sources.js";
import { registerDefaultMetrics } from "./default-metrics.js";
import {
  agentInstruments,
  awsInstruments,
  credentialInstruments,
  driftInstruments,
  imdsInstruments,
} from "./instruments.js";
import {
  CONTROL_PLANE_APIS,
  CONTROL_PLANE_OUTCOMES,
  STS_OUTCOMES,
  type ControlPlaneApi,
  type ControlPlaneOutcome,
  type StsOutcome,
} from "../aws/labels.js";
import { IMDS_ENDPOINTS, type ImdsEndpointLabel } from "../imds/types.js";
import type { RoleSource } from "./labels.js";
import { servedRecorder, type ServedInfo } from "./served.js";

export type { ServedInfo } from "./served.js";

/** Text exposition format 0.0.4: what every Prometheus version scrapes and `promtool` checks. */
export const METRICS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The only way to record a metric. Times are milliseconds since the epoch (as
 * a Clock gives them) and are exported in seconds; durations are seconds.
 */
export interface Metrics {
  readonly registry: Registry;
  /** `code`: the HTTP status, or the failure (an ImdsFailure) when no status came back. */
  imdsRequest(endpoint: ImdsEndpointLabel, code: string, seconds: number): void;
  tokenFetched(): void;
  imdsUp(up: boolean): void;
  /** The served credentials' times; null when none are served (the series are removed). */
  credentials(c: { expiration: number; lastUpdated: number } | null): void;
  rotated(): void;
  /** The current role according to `source`; null when it names none. */
  role(source: RoleSource, role: string | null): void;
  instanceProfile(arn: string | null): void;
  stsRequest(outcome: StsOutcome): void;
  controlPlane(api: ControlPlaneApi, up: boolean): void;
  controlPlaneRequest(api: ControlPlaneApi, outcome: ControlPlaneOutcome): void;
  /** Sets a drift's state without counting a transition: open since `since`, or not open (null). For restored state. */
  driftOpen(kind: DriftKind, since: number | null): void;
  /** A drift has just opened: its state, and one `detected` transition. */
  driftDetected(kind: DriftKind, since: number): void;
  /** A drift has just resolved after `durationSeconds`: its state, its duration, and one `resolved` transition. */
  driftResolved(kind: DriftKind, durationSeconds: number): void;
  /** An observation completed at `at` and took `seconds`. */
  observed(at: number, seconds: number): void;
  /** Each enabled source's state at `at` (docs/contract.md, Source states); a source not enabled has no series. */
  sources(states: SourceStates, at: number): void;
  /** Server Date minus host time of the last AWS answer that carried one, in seconds; null: none yet (no series). */
  clockSkew(seconds: number | null): void;
  /** Fleet mode's one series of what the instance serves (null: none yet); a no-op unless created with `served`. */
  served(info: ServedInfo | null): void;
  text(): Promise<string>;
}


/** `served`: fleet mode (controlPlane.source: account) exports rolewatch_served_info. */
export function createMetrics(opts: { version: string; registry?: Registry; served?: boolean }): Metrics {
  const registry = opts.registry ?? new Registry();
  registerDefaultMetrics(registry);
  const agent = agentInstruments(registry);
  agent.buildInfo.set({ version: opts.version }, 1);
  // Absent until an answer carries a Date: 0 would claim a clock known to be right.
  const setSkew = (seconds: number | null) => (seconds === null ? agent.clockSkew.remove() : agent.clockSkew.set(seconds));
  setSkew(null);
  return {
    registry,
    ...imdsRecorders(imdsInstruments(registry)),
    ...credentialRecorders(credentialInstruments(registry)),
    ...awsRecorders(awsInstruments(registry)),
    ...driftRecorders(driftInstruments(registry)),
    ...sourceRecorders(agent),
    served: opts.served ? servedRecorder(registry) : () => undefined,
    observed(at, seconds) {
      agent.lastObservation.set(at / 1000);
      agent.observationDuration.observe(seconds);
    },
    clockSkew: setSkew,
    text: () => registry.metrics(),
  };
}

// Every series whose labels come from a closed set exists from the start, at
// zero, so that rate() and absent() work before the first event
// (prometheus.io/docs/practices/instrumentation, "Avoid missing metrics").
// Timestamps of things not yet seen stay absent: 0 would claim 1970.

function imdsRecorders(imds: ReturnType<typeof imdsInstruments>): Pick<Metrics, "imdsRequest" | "tokenFetched" | "imdsUp"> {
  imds.up.set(0);
  for (const endpoint of IMDS_ENDPOINTS) imds.duration.zero({ endpoint });
  return {
    imdsRequest(endpoint, code, seconds) {
      imds.requests.inc({ endpoint, code });
      imds.duration.observe({ endpoint }, seconds);
    },
    tokenFetched: () => imds.tokenFetches.inc(),
    imdsUp: (up) => imds.up.set(up ? 1 : 0),
  };
}

function credentialRecorders(creds: ReturnType<typeof credentialInstruments>): Pick<Metrics, "credentials" | "rotated" | "role" | "instanceProfile"> {
  const roles = new Map<RoleSource, string>();
  const setCredentials = (c: { expiration: number; lastUpdated: number } | null) => {
    if (c === null) {
      creds.expiration.remove();
      creds.lastUpdated.remove();
    } else {
      creds.expiration.set(c.expiration / 1000);
      creds.lastUpdated.set(c.lastUpdated / 1000);
    }
  };
  setCredentials(null);
  return {
    credentials: setCredentials,
    rotated: () => creds.rotations.inc(),
    role(source, role) {
      const previous = roles.get(source);
      if (previous !== undefined) creds.role.remove({ source, role: previous });
      roles.delete(source);
      if (role === null) return;
      creds.role.set({ source, role }, 1);
      roles.set(source, role);
    },
    instanceProfile(arn) {
      creds.profile.reset();
      if (arn !== null) creds.profile.set({ arn }, 1);
    },
  };
}

function awsRecorders(aws: ReturnType<typeof awsInstruments>): Pick<Metrics, "stsRequest" | "controlPlane" | "controlPlaneRequest"> {
  for (const outcome of STS_OUTCOMES) aws.stsRequests.inc({ outcome }, 0);
  for (const api of CONTROL_PLANE_APIS) {
    for (const outcome of CONTROL_PLANE_OUTCOMES) aws.controlPlaneRequests.inc({ api, outcome }, 0);
  }
  return {
    stsRequest: (outcome) => aws.stsRequests.inc({ outcome }),
    controlPlane: (api, up) => aws.controlPlaneUp.set({ api }, up ? 1 : 0),
    controlPlaneRequest: (api, outcome) => aws.controlPlaneRequests.inc({ api, outcome }),
  };
}

function driftRecorders(drift: ReturnType<typeof driftInstruments>): Pick<Metrics, "driftOpen" | "driftDetected" | "driftResolved"> {
  const setState = (kind: DriftKind, since: number | null) => {
    drift.open.set({ kind }, since === null ? 0 : 1);
    if (since === null) drift.since.remove({ kind });
    else drift.since.set({ kind }, since / 1000);
  };
  for (const kind of DRIFT_KINDS) {
    setState(kind, null);
    drift.resolvedDuration.zero({ kind });
    drift.transitions.inc({ kind, transition: "detected" }, 0);
    drift.transitions.inc({ kind, transition: "resolved" }, 0);
  }
  return {
    driftOpen: setState,
    driftDetected(kind, since) {
      setState(kind, since);
      drift.transitions.inc({ kind, transition: "detected" });
    },
    driftResolved(kind, durationSeconds) {
      setState(kind, null);
      drift.resolvedDuration.observe({ kind }, durationSeconds);
      drift.transitions.inc({ kind, transition: "resolved" });
    },
  };
}

/** 0 before the first observation: no source has answered yet. An association not read has no series. */
function sourceRecorders(agent: ReturnType<typeof agentInstruments>): Pick<Metrics, "sources"> {
  for (const source of SOURCE_NAMES) agent.sourceUp.set({ source }, 0);
  return {
    sources(states, at) {
      for (const source of SOURCE_NAMES) {
        const s = states[source];
        if (!s) {
          agent.sourceUp.remove({ source });
          agent.sourceLastFresh.remove({ source });
          continue;
        }
        const up = s.state === "fresh" || s.state === "none";
        agent.sourceUp.set({ source }, up ? 1 : 0);
        if (up) agent.sourceLastFresh.set({ source }, (s.state === "fresh" ? s.since : at) / 1000);
      }
    },
  };
}
