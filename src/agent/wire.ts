import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import { ImdsSession } from "../imds/session.js";
import { readIdentity, readImds } from "../imds/read.js";
import type { Events } from "../observe/events.js";
import type { Metrics } from "../observe/metrics.js";
import { Agent } from "./agent.js";

/** Builds the agent from its configuration: the one place `run` and `check` share. */
export function buildAgent(config: Config, deps: { clock: Clock; metrics: Metrics; events: Events }): Agent {
  const { clock, metrics, events } = deps;
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
  return new Agent({ clock, imds, metrics, events });
}
