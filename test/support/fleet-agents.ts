/**
 * Many agents in one test process, each as `run` builds it (its own config, registry, events and
 * HTTP server), polling on a timer of their own: a fleet of hundreds without hundreds of
 * processes. Events go to memory; nothing is persisted.
 */
import type { Agent } from "../../src/agent/agent.js";
import { buildAgent } from "../../src/agent/wire.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { createEvents } from "../../src/observe/events.js";
import { startHttpServer, type HttpServer } from "../../src/observe/http.js";
import { createMetrics } from "../../src/observe/metrics.js";

export interface FleetAgent {
  instanceId: string;
  agent: Agent;
  http: HttpServer;
  /** host:port, for a scrape target. */
  target: string;
}

export interface FleetAgents {
  agents: FleetAgent[];
  /** Polls of every agent that failed with an exception (not a source that failed: that is a report). */
  errors: unknown[];
  stop(): Promise<void>;
}

/**
 * Starts an agent for each endpoint with `argv` added (e.g. `--control-plane-source account`),
 * all polling every `pollMs`, each one after the other so that the process is not flooded.
 */
export async function startFleetAgents(
  endpoints: readonly { instanceId: string; imdsUrl: string }[],
  opts: { argv: readonly string[]; env: Record<string, string>; pollMs: number },
): Promise<FleetAgents> {
  const agents: FleetAgent[] = [];
  const errors: unknown[] = [];
  for (const e of endpoints) {
    const argv = ["--imds-endpoint", e.imdsUrl, "--state-dir", "/nonexistent/rolewatch-fleet-agents", ...opts.argv];
    const { config } = loadConfig({ argv, env: opts.env, readFile: () => null });
    const metrics = createMetrics({ version: "test", served: config.controlPlane.source === "account" });
    const events = createEvents({ clock: systemClock, version: "test", level: "warn", destination: { write: () => undefined } });
    const agent = buildAgent(config, { clock: systemClock, env: opts.env, publish: { metrics, events, persist: false } });
    const http = await startHttpServer({ host: "127.0.0.1", port: 0, metrics: () => metrics.text(), ready: () => agent.last !== null, status: () => agent.last });
    agents.push({ instanceId: e.instanceId, agent, http, target: new URL(http.url).host });
  }
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const round = Date.now();
      for (const a of agents) {
        if (stopped) break;
        await a.agent.poll().catch((error: unknown) => errors.push(error));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, opts.pollMs - (Date.now() - round))));
    }
  })();
  return {
    agents,
    errors,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(agents.map((a) => a.http.close()));
    },
  };
}
