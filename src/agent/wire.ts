import { AwsObserver, type SigningCredentials } from "../aws/index.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { Env } from "../config/env.js";
import { freshFor } from "../drift/sources.js";
import { emptyState, type DriftState } from "../drift/state.js";
import { ConfigError } from "../errors.js";
import { ImdsSession } from "../imds/session.js";
import { readIdentity, readImds } from "../imds/read.js";
import type { Events } from "../observe/events.js";
import type { Metrics } from "../observe/metrics.js";
import { Agent } from "./agent.js";
import { LEFT_TO_ACCOUNT, withoutControlPlaneDrifts } from "./fleet.js";
import { Observer, type ImdsRequest, type ImdsSource } from "./observe.js";
import { PersistedState } from "./persist.js";
import { Publisher } from "./publish.js";
import { StateStore } from "./state-store.js";
import { Secret } from "../secret.js";

export interface WireDeps {
  clock: Clock;
  /** Where AWS_ENDPOINT_URL* are read. */
  env: Env;
  random?: () => number;
  /**
   * Where `run` publishes: metrics, events, and drifts kept in
   * `config.state.dir` across restarts (`persist`) or in memory only.
   * Absent for `check`, which prints the report a poll returns.
   */
  publish?: { metrics: Metrics; events: Events; persist: boolean };
  /** Without `publish`: the drift state to start from (the daemon's, read by `check`); default none. */
  drift?: DriftState;
}

/** Builds the agent from its configuration: the one place `run` and `check` share. */
export function buildAgent(config: Config, deps: WireDeps): Agent {
  const { clock, env, publish } = deps;
  const fleet = config.controlPlane.source === "account";
  const controlPlaneCredentials = !fleet && config.controlPlane.credentials === "environment" ? environmentCredentials(env) : undefined;
  const aws = (identity: { instanceId: string; region: string }) =>
    new AwsObserver({
      clock,
      random: deps.random ?? Math.random,
      region: config.region ?? identity.region,
      instanceId: identity.instanceId,
      stsIntervalMs: config.sts.intervalMs,
      controlPlaneIntervalMs: config.controlPlane.intervalMs,
      association: config.controlPlane.association,
      controlPlane: !fleet,
      endpoints: config.aws.endpoints,
      ...(controlPlaneCredentials ? { controlPlaneCredentials } : {}),
    });
  const cadence = { stsMs: config.sts.intervalMs, controlPlaneMs: config.controlPlane.intervalMs, pollMs: config.poll.intervalMs };
  const observer = new Observer({ clock, imds: imdsSource(config, clock), aws, freshFor: freshFor(cadence), ...(fleet ? { controlPlaneBy: "account" as const } : {}) });
  if (!publish) {
    const drift = deps.drift ?? emptyState();
    return new Agent({ observer, drift: fleet ? withoutControlPlaneDrifts(drift).state : drift, publisher: null });
  }
  const state = new PersistedState(publish.persist ? new StateStore(config.state.dir) : null, publish.events);
  if (fleet) leaveToAccount(state, publish.events, clock.now());
  const publisher = new Publisher({ metrics: publish.metrics, events: publish.events, state, served: fleet });
  return new Agent({ observer, drift: state.state, publisher });
}

/** A drift only IAM or EC2 could resolve ends here, with its reason, when the agent starts in fleet mode. */
function leaveToAccount(state: PersistedState, events: Events, now: number): void {
  const { state: kept, dropped } = withoutControlPlaneDrifts(state.state);
  for (const d of dropped) {
    const durationSeconds = Math.max(0, Math.round((now - d.since) / 1000));
    events.driftResolved({ ...d, durationSeconds, resolution: LEFT_TO_ACCOUNT });
  }
  if (dropped.length > 0) state.update(kept);
}

/** An IMDSv2 session whose requests are kept for the poll to return, not written anywhere. */
function imdsSource(config: Config, clock: Clock): ImdsSource {
  let requests: ImdsRequest[] = [];
  let tokenFetches = 0;
  const session = new ImdsSession({
    endpoint: config.imds.endpoint,
    clock,
    tokenTtlSeconds: config.imds.tokenTtlSeconds,
    timeoutMs: config.imds.timeoutMs,
    allowV1: config.imds.allowV1,
    onRequest: (r) => void requests.push(r),
    onTokenFetch: () => void tokenFetches++,
  });
  return {
    readView: () => readImds(session),
    readIdentity: () => readIdentity(session),
    takeRequests() {
      const taken = { requests, tokenFetches };
      requests = [];
      tokenFetches = 0;
      return taken;
    },
  };
}

/** The monitoring principal of `controlPlane.credentials: environment`, secrets wrapped at once. */
function environmentCredentials(env: Env): SigningCredentials {
  const accessKeyId = env["AWS_ACCESS_KEY_ID"];
  const secret = env["AWS_SECRET_ACCESS_KEY"];
  if (!accessKeyId || !secret) {
    throw new ConfigError(["controlPlane.credentials: environment needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in rolewatch's environment"]);
  }
  const token = env["AWS_SESSION_TOKEN"];
  return { accessKeyId, secretAccessKey: new Secret(secret), ...(token ? { sessionToken: new Secret(token) } : {}) };
}
