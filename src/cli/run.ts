import { systemClock, type Clock } from "../clock.js";
import { cronExpression, optionsHelp } from "../config.js";
import { startDaemon } from "../agent/daemon.js";
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
      const { config, events, http, loop, lock } = await startDaemon({ argv: io.argv, env: io.env, clock });
      await loop.start(cronExpression(config.poll.intervalMs));
      const signal = await io.stopSignal;
      events.agentStopping({ signal });
      await loop.stop();
      await http.close();
      lock.release();
      return EXIT.ok;
    },
  };
}
