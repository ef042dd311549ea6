import { checkConfigFile, DEFAULT_CONFIG_FILE, readFileOrNull } from "../config.js";
import { ConfigError } from "../errors.js";
import { loadWebConfig } from "../web/load.js";
import { EXIT, type Command, type Io } from "./command.js";

export const configCommand: Command = {
  name: "config",
  summary: "config check [FILE]: validate a configuration file",
  help: () => `Usage: rolewatch config check [FILE]

Validates a configuration file (default: $ROLEWATCH_CONFIG, else
${DEFAULT_CONFIG_FILE}) and prints every problem with its key and the
allowed values, and those of the web configuration file it names
(http.webConfigFile). Exit 0 when both are valid, 3 otherwise.
See \`rolewatch run --help\` for every option.
`,
  async run(io: Io) {
    const [verb, file, ...extra] = io.argv;
    if (verb !== "check" || extra.length > 0) throw new ConfigError(["usage: rolewatch config check [FILE]"]);
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
