import { systemClock, type Clock } from "../clock.js";
import { bool, loadConfig, NOT_READ_BY, optionsHelp } from "../config.js";
import { StateStore } from "../agent/state-store.js";
import { buildAgent } from "../agent/wire.js";
import { checkText } from "./check-text.js";
import { EXIT, type Command, type Io } from "./command.js";

const FLAGS = { json: { parser: bool } } as const;

export function checkCommand(clock: Clock = systemClock): Command {
  return {
    name: "check",
    summary: "observe once, report, and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
    flags: FLAGS,
    help: () => `Usage: rolewatch check [--json] [options]

Reads IMDS once (with an IMDSv2 token), asks STS, IAM and EC2 about what it
serves, and exits with the monitoring-plugin convention: 0 OK (every source
answered now, and they agree), 1 WARNING and 2 CRITICAL (a drift of that
severity), 3 UNKNOWN (a source did not answer now, named in the first line, or
the configuration is bad). Point it at a simulator with
AWS_EC2_METADATA_SERVICE_ENDPOINT (IMDS) and AWS_ENDPOINT_URL (STS, IAM and
EC2), as \`rolewatch sim\` exports them. Open drifts keep the start the daemon
saw: check reads its state (--state-dir), and never writes it.

  --json  print one JSON object (the same as GET /status of \`rolewatch run\`)

${optionsHelp(NOT_READ_BY.check)}`,
    async run(io: Io) {
      const { config, flags } = loadConfig({ argv: io.argv, env: io.env, flags: FLAGS, unused: { command: "check", keys: NOT_READ_BY.check } });
      // The daemon's open drifts, with their starts, when its state can be read; never written here.
      const store = new StateStore(config.state.dir);
      const saved = store.read();
      const stateFile = "state" in saved ? { path: store.path, read: true } : { path: store.path, read: false, reason: saved.problem };
      // Nothing is published: check speaks through the report a poll returns and its exit code.
      const polled = await buildAgent(config, { clock, env: io.env, ...("state" in saved ? { drift: saved.state } : {}) }).poll();
      const report = { ...polled, stateFile };
      if (flags.json) io.out(JSON.stringify(report, null, 2) + "\n");
      else io.out(checkText(report, clock.now()));
      if (!report.imds.reachable) io.err(`rolewatch: IMDS cannot be read at ${config.imds.endpoint}: ${report.imds.error ?? "unknown error"}\n`);
      return EXIT[report.status];
    },
  };
}
