import { AwsObserver, type SigningCredentials } from "../aws/index.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { Env } from "../config/env.js";
import { StateStore } from "../drift/store.js";
import { ConfigError } from "../errors.js";
import { ImdsSession } from "../imds/session.js";
import { readIdentity, readImds } from "../imds/read.js";
import type { Events } from "../observe/events.js";
import type { Metrics } from "../observe/metrics.js";
import { Agent } from "./agent.js";
import { PersistedState } from "./persist.js";
import { Secret } from "../secret.js";

export interface WireDeps {
  clock: Clock;
  metrics: Metrics;
  events: Events;
  /** Where AWS_ENDPOINT_URL* are read. */
  env: Env;
  /** Keep drifts in `config.state.dir` across restarts (`run`), or in memory only (`check`). */
  persist: boolean;
  random?: () => number;
}

/** Builds the agent from its configuration: the one place `run` and `check` share. */
export function buildAgent(config: Config, deps: WireDeps): Agent {
  const { clock, metrics, events, env } = deps;
  const session = new ImdsSession({
    endpoint: config.imds.endpoint,
    clock,
    tokenTtlSeconds: config.imds.tokenTtlSeconds,
    timeoutMs: config.imds.timeoutMs,
    allowV1: config.imds.allowV1,
    onRequest: (r) => metrics.imdsRequest(r.endpoint, r.code, r.seconds),
    onTokenFetch: () => metrics.tokenFetched(),
  });
  const imds = { readView: () => readImds(session), readIdentity: () => readIdentity(session) };
  const controlPlaneCredentials = config.controlPlane.credentials === "environment" ? environmentCredentials(env) : undefined;
  const aws = (identity: { instanceId: string; region: string }) =>
    new AwsObserver({
      clock,
      random: deps.random ?? Math.random,
      region: config.region ?? identity.region,
      instanceId: identity.instanceId,
      stsIntervalMs: config.sts.intervalMs,
      controlPlaneIntervalMs: config.controlPlane.intervalMs,
      association: config.controlPlane.association,
      metrics,
      events,
      env,
      ...(controlPlaneCredentials ? { controlPlaneCredentials } : {}),
    });
  const state = new PersistedState(deps.persist ? new StateStore(config.state.dir) : null, events);
  return new Agent({ clock, imds, aws, state, metrics, events });
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
