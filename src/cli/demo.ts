import { listenAddress, number, parseFlags } from "../config.js";
import { ConfigError } from "../errors.js";
import { clockText, play } from "../demo/play.js";
import { SCRIPT } from "../demo/script.js";
import { Stage } from "../demo/stage.js";
import { EXIT, type Command, type Io } from "./command.js";

const FLAGS = {
  listen: { parser: listenAddress },
  pace: { parser: number(0, 1000, { integer: true, metavar: "MS" }) },
} as const;

export const demoCommand: Command = {
  name: "demo",
  summary: "the field report replayed: simulator and agent in one process, in compressed time",
  flags: FLAGS,
  help: () => `Usage: rolewatch demo [--listen ADDR] [--pace MS]

Starts the simulator and the agent in one process and plays the field report's
experiment (S1-S6: remove the role, add it back, swap roles, reboot, force a
refresh by stop/start and by a new association, delete and re-create a role)
on a simulated clock: hours of IMDS behaviour in well under a minute. Prints
the timeline of what the agent saw and when, serves /metrics while it plays,
and exits 0 when every expected drift was detected and resolved, 1 otherwise.

  --listen ADDR  the agent's HTTP server (default 127.0.0.1:0: a free port)
  --pace MS      real milliseconds between two polls (default 4; 0: as fast as it goes)
`,
  async run(io: Io) {
    const { values, problems, rest } = parseFlags(io.argv, FLAGS);
    if (rest.length > 0) problems.push(`unexpected argument ${JSON.stringify(rest[0])}`);
    if (problems.length > 0) throw new ConfigError(problems);
    const stage = await Stage.open(values.listen ?? { host: "127.0.0.1", port: 0 });
    try {
      io.out(`rolewatch demo: the field report, replayed on the simulator (instance ${stage.sim.instanceId})\n`);
      io.out(`metrics while it plays: ${stage.http.url}/metrics\n\n`);
      const { started, outcomes, unexpected } = await play(stage, SCRIPT, { paceMs: values.pace ?? 4, out: (line) => io.out(line + "\n") });
      io.out("\nExpected\n");
      for (const o of outcomes) {
        const when = o.at === null ? "not seen" : `T+${clockText(o.at - started)}`;
        io.out(`  ${o.at === null ? "MISSED" : "ok    "}  ${o.step.id.padEnd(5)} ${`${o.kind} ${o.transition}`.padEnd(32)}  ${when}\n`);
      }
      for (const u of unexpected) io.out(`  UNEXPECTED  ${u}\n`);
      const passed = outcomes.every((o) => o.at !== null) && unexpected.length === 0;
      io.out(passed ? "\nEvery expected drift was detected and resolved.\n" : "\nSome expected drifts were not seen.\n");
      return passed ? EXIT.ok : EXIT.warning;
    } finally {
      await stage.close();
    }
  },
};
