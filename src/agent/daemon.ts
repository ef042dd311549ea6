import type { Clock } from "../clock.js";
import { loadConfig, NOT_READ_BY, type Config } from "../config.js";
import type { Env } from "../config/env.js";
import { createEvents, type Events } from "../observe/events.js";
import { startHttpServer, type HttpServer } from "../observe/http.js";
import { createMetrics } from "../observe/metrics.js";
import { VERSION } from "../version.js";
import type { Agent } from "./agent.js";
import { PollLoop } from "./loop.js";
import { StateLock } from "./state-lock.js";
import { buildAgent } from "./wire.js";

export interface Daemon {
  config: Config;
  agent: Agent;
  events: Events;
  http: HttpServer;
  /** Not started: `run` starts it on the poll interval's grid; a benchmark ticks it itself. */
  loop: PollLoop;
  /** Held from start to stop: one daemon per state directory. */
  lock: StateLock;
}

/**
 * The daemon of `rolewatch run`, up to its first poll: configuration, events,
 * metrics, the agent with its persisted state, and the HTTP server. The one
 * place it is built, so that what is measured is what runs.
 */
export async function startDaemon(input: { argv: readonly string[]; env: Env; clock: Clock }): Promise<Daemon> {
  const { clock, env } = input;
  const { config, warnings } = loadConfig({ argv: input.argv, env, unused: { command: "run", keys: NOT_READ_BY.run } });
  const events = createEvents({ clock, level: config.log.level, version: VERSION });
  for (const warning of warnings) events.warn("config-warning", warning);
  const metrics = createMetrics({ version: VERSION, served: config.controlPlane.source === "account" });
  const lock = StateLock.acquire(config.state.dir);
  const agent = buildAgent(config, { clock, env, publish: { metrics, events, persist: true } });
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    metrics: () => metrics.text(),
    ready: () => agent.last !== null,
    status: () => agent.last,
    limits: { maxConnections: config.http.maxConnections },
    webConfigFile: config.http.webConfigFile,
    onWebConfigProblem: (problems) => events.warn("web-config-problem", `requests fail with 500 until the web config file is mended: ${problems.join("; ")}`),
  });
  events.agentStarted({ version: VERSION, config: { ...config, http: { ...config.http, url: http.url } } });
  return { config, agent, events, http, loop: new PollLoop(agent, events, clock), lock };
}
