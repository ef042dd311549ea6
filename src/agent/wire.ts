import { AwsObserver } from "../aws/index.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { Env } from "../config/env.js";
import { StateStore } from "../drift/store.js";
import { ImdsSession } from "../imds/session.js";
import { readIdentity, readImds } from "../imds/read.js";
import type { Events } from "../observe/events.js";
import type { Metrics } from "../observe/metrics.js";
import { Agent } from "./agent.js";
import { PersistedState } from "./persist.js";

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
    });
  const state = new PersistedState(deps.persist ? new StateStore(config.state.dir) : null, events);
  return new Agent({ clock, imds, aws, state, metrics, events });
}
