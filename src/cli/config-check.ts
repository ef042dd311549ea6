import { checkConfigFile, DEFAULT_CONFIG_FILE, readFileOrNull } from "../config.js";
import { ConfigError } from "../errors.js";
import { loadWebConfig } from "../web/load.js";
import { EXIT, type Command, type Io } from "./command.js";
import { SHOW_FLAGS, showConfig } from "./config-show.js";

export const configCommand: Command = {
  name: "config",
  summary: "config check [FILE]: validate a configuration file; config show: the effective configuration",
  flags: SHOW_FLAGS,
  verbs: ["check", "show"],
  help: () => `Usage: rolewatch config check [FILE]
       rolewatch config show [--json] [options]

Validates a configuration file (default: $ROLEWATCH_CONFIG, else
${DEFAULT_CONFIG_FILE}) and prints every problem with its key and the
allowed values, and those of the web configuration file it names
(http.webConfigFile). Exit 0 when both are valid, 3 otherwise.

show prints the value of every option, resolved as the commands resolve it
(defaults, the file, the environment, then the flags, which it takes too),
with where each came from: "default", "env NAME", "--flag" or "FILE:LINE".
--json prints the same as JSON. Secrets, if an option holds one, are masked.
See \`rolewatch run --help\` for every option.
`,
  async run(io: Io) {
    const [verb, file, ...extra] = io.argv;
    if (verb === "show") {
      showConfig(io, io.argv.slice(1));
      return EXIT.ok;
    }
    if (verb !== "check" || extra.length > 0) throw new ConfigError(["usage: rolewatch config check [FILE] | rolewatch config show [--json] [options]"]);
    const target = file ?? io.env["ROLEWATCH_CONFIG"] ?? DEFAULT_CONFIG_FILE;
    const problems = checkConfigFile(target, readFileOrNull, (web) => {
      const loaded = loadWebConfig(web);
      return loaded.ok ? [] : loaded.problems;
    });
    if (problems.length > 0) {
      for (const problem of problems) io.err(`${problem}\n`);
      return EXIT.unknown;
    }
    io.out(`${target}: valid\n`);
    return EXIT.ok;
  },
};
