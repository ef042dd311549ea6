import { systemClock, type Clock } from "../clock.js";
import { cronExpression, loadConfig, optionsHelp } from "../config.js";
import { PollLoop } from "../agent/loop.js";
import { buildAgent } from "../agent/wire.js";
import { createEvents } from "../observe/events.js";
import { startHttpServer } from "../observe/http.js";
import { createMetrics } from "../observe/metrics.js";
import { VERSION } from "../version.js";
import { EXIT, type Command, type Io } from "./command.js";

export function runCommand(clock: Clock = systemClock): Command {
  return {
    name: "run",
    summary: "the daemon: poll, serve /metrics, log events",
    help: () => `Usage: rolewatch run [options]

Polls IMDS every poll interval and serves, on --listen:
  /metrics   Prometheus metrics (rolewatch_*)
  /healthz   200 while the process is alive
  /readyz    200 once the first observation is done
  /status    the last observation, as \`rolewatch check --json\` prints it
Log events are JSON lines (ECS fields) on stdout, one per change, for journald
and a SIEM. SIGTERM or SIGINT: the poll in flight finishes, then exit 0.

${optionsHelp()}`,
    async run(io: Io) {
      const { config, warnings } = loadConfig({ argv: io.argv, env: io.env });
      const events = createEvents({ clock, level: config.log.level, version: VERSION });
      for (const warning of warnings) events.warn(warning);
      const metrics = createMetrics({ version: VERSION });
      const agent = buildAgent(config, { clock, metrics, events, env: io.env, persist: true });
      const http = await startHttpServer({
        host: config.http.host,
        port: config.http.port,
        metrics: () => metrics.text(),
        ready: () => agent.last !== null,
        status: () => agent.last,
      });
      events.agentStarted({ version: VERSION, config: { ...config, http: { ...config.http, url: http.url } } });
      const loop = new PollLoop(agent, events);
      await loop.start(cronExpression(config.poll.intervalMs));
      const signal = await io.stopSignal;
      events.agentStopping({ signal });
      await loop.stop();
      await http.close();
      return EXIT.ok;
    },
  };
}
