import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * The metric definitions of docs/contract.md, Metrics, grouped by what they watch. Names
 * follow Prometheus practice (prometheus.io/docs/practices/naming): base
 * units in the name, seconds, `_total` on counters, `_info` for labels-only
 * series whose value is 1.
 */

// IMDS is a link-local service answering in about a millisecond; its client
// gives up after a few seconds.
const IMDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
// One observation is IMDS plus, at times, STS and the control plane over the network.
const OBSERVATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// From a minute to the 6 h credential lifetime and twice that (docs/contract.md, Field report, S1 and S3).
const DRIFT_DURATION_BUCKETS = [60, 300, 600, 1800, 3600, 7200, 10800, 21600, 43200];

export function imdsInstruments(registry: Registry) {
  const registers = [registry];
  return {
    up: new Gauge({ name: "rolewatch_imds_up", help: "1 if the last IMDS read succeeded, else 0.", registers }),
    requests: new Counter({
      name: "rolewatch_imds_requests_total",
      help: "IMDS requests by endpoint and HTTP status (or failure, when there was no status).",
      labelNames: ["endpoint", "code"] as const,
      registers,
    }),
    duration: new Histogram({
      name: "rolewatch_imds_request_duration_seconds",
      help: "Duration of IMDS requests.",
      labelNames: ["endpoint"] as const,
      buckets: IMDS_BUCKETS,
      registers,
    }),
    tokenFetches: new Counter({ name: "rolewatch_imds_token_fetches_total", help: "IMDSv2 session tokens fetched.", registers }),
  };
}

export function credentialInstruments(registry: Registry) {
  const registers = [registry];
  return {
    expiration: new Gauge({
      name: "rolewatch_credentials_expiration_timestamp_seconds",
      help: "Expiration of the credentials IMDS serves, as a Unix timestamp; absent while none are served.",
      registers,
    }),
    lastUpdated: new Gauge({
      name: "rolewatch_credentials_last_updated_timestamp_seconds",
      help: "LastUpdated of the credentials IMDS serves, as a Unix timestamp; absent while none are served.",
      registers,
    }),
    rotations: new Counter({ name: "rolewatch_credentials_rotations_total", help: "Changes of the served AccessKeyId.", registers }),
    role: new Gauge({
      name: "rolewatch_role_info",
      help: "The role each source says the instance has (imds: served, sts: the session's, profile: the profile's).",
      labelNames: ["source", "role"] as const,
      registers,
    }),
    profile: new Gauge({
      name: "rolewatch_instance_profile_info",
      help: "The instance profile IMDS says is attached.",
      labelNames: ["arn"] as const,
      registers,
    }),
  };
}

export function awsInstruments(registry: Registry) {
  const registers = [registry];
  return {
    stsRequests: new Counter({
      name: "rolewatch_sts_requests_total",
      help: "STS GetCallerIdentity calls signed with the served credentials, by outcome.",
      labelNames: ["outcome"] as const,
      registers,
    }),
    controlPlaneUp: new Gauge({
      name: "rolewatch_control_plane_up",
      help: "1 if the last call to the API succeeded, else 0.",
      labelNames: ["api"] as const,
      registers,
    }),
    controlPlaneRequests: new Counter({
      name: "rolewatch_control_plane_requests_total",
      help: "IAM and EC2 calls by API and outcome.",
      labelNames: ["api", "outcome"] as const,
      registers,
    }),
  };
}

export function driftInstruments(registry: Registry) {
  const registers = [registry];
  return {
    open: new Gauge({ name: "rolewatch_drift", help: "1 while a drift of this kind is open, else 0.", labelNames: ["kind"] as const, registers }),
    since: new Gauge({
      name: "rolewatch_drift_since_timestamp_seconds",
      help: "Start of the open drift of this kind, as a Unix timestamp; absent while none is open.",
      labelNames: ["kind"] as const,
      registers,
    }),
    resolvedDuration: new Histogram({
      name: "rolewatch_drift_resolved_duration_seconds",
      help: "How long drifts lasted, observed when they resolve.",
      labelNames: ["kind"] as const,
      buckets: DRIFT_DURATION_BUCKETS,
      registers,
    }),
    transitions: new Counter({
      name: "rolewatch_drift_transitions_total",
      help: "Drifts detected and resolved.",
      labelNames: ["kind", "transition"] as const,
      registers,
    }),
  };
}

export function agentInstruments(registry: Registry) {
  const registers = [registry];
  return {
    lastObservation: new Gauge({
      name: "rolewatch_last_observation_timestamp_seconds",
      help: "End of the last complete observation, as a Unix timestamp; 0 before the first.",
      registers,
    }),
    observationDuration: new Histogram({
      name: "rolewatch_observation_duration_seconds",
      help: "Duration of one observation (IMDS, and STS or the control plane when due).",
      buckets: OBSERVATION_BUCKETS,
      registers,
    }),
    sourceUp: new Gauge({
      name: "rolewatch_source_up",
      help: "1 if the source answered in the last observation (fresh) or had nothing to be asked (none); 0 if stale or unknown.",
      labelNames: ["source"] as const,
      registers,
    }),
    sourceLastFresh: new Gauge({
      name: "rolewatch_source_last_fresh_timestamp_seconds",
      help: "When the source's last fresh answer came (or, for none, the observation that found nothing to ask), as a Unix timestamp.",
      labelNames: ["source"] as const,
      registers,
    }),
    clockSkew: new Gauge({
      name: "rolewatch_clock_skew_seconds",
      help: "The Date of the last STS, IAM or EC2 answer minus the host's time when it came: positive when the host clock is behind; absent until an answer carries a Date.",
      registers,
    }),
    buildInfo: new Gauge({ name: "rolewatch_build_info", help: "Always 1; the version label says which build runs.", labelNames: ["version"] as const, registers }),
  };
}
