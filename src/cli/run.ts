import { systemClock, type Clock } from "../clock.js";
import { NOT_READ_BY, optionsHelp } from "../config.js";
import { startDaemon } from "../agent/daemon.js";
import type { PollLoop } from "../agent/loop.js";
import { EXIT, type Command, type Io } from "./command.js";

/** How long a stop waits for the poll in flight: well within the unit's TimeoutStopSec=20s. */
export const STOP_DEADLINE_MS = 10_000;

/** Stops the loop; a poll still in flight after `ms` is left (its state write is atomic) so that the process ends in time. */
async function stopWithin(loop: PollLoop, clock: Clock, ms: number): Promise<void> {
  const timer = new AbortController();
  await Promise.race([loop.stop(), clock.sleep(ms, timer.signal).catch(() => undefined)]);
  timer.abort();
}

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
and a SIEM. SIGTERM, SIGINT or SIGHUP: the poll in flight finishes (for at most
10 s, within systemd's stop timeout), then exit 0. The unit restarts it after a
SIGHUP (Restart=always), so that is how the configuration is read again.

${optionsHelp(NOT_READ_BY.run)}`,
    async run(io: Io) {
      const { config, events, http, loop, lock } = await startDaemon({ argv: io.argv, env: io.env, clock });
      await loop.start(config.poll.intervalMs);
      const signal = await io.stopSignal;
      events.agentStopping({ signal });
      await stopWithin(loop, clock, STOP_DEADLINE_MS);
      await http.close();
      lock.release();
      return EXIT.ok;
    },
  };
}
