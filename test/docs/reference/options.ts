/** docs/reference/options.md: every option of the configuration table (src/config/options.ts). */
import { GROUPS, OPTIONS, readersOf, type OptionSpec } from "../../../src/config.js";
import { defaultText, flagUsage } from "../../../src/config/help.js";
import { code } from "./markdown.js";

/** What the reference and the man page say of one option. */
export function optionFacts(o: OptionSpec) {
  return {
    key: o.key,
    inFile: o.inFile,
    usage: flagUsage(o),
    env: [...o.env],
    default: defaultText(o),
    allowed: o.parser.allowed,
    readers: readersOf(o.key),
    help: o.help,
  };
}

function entry(o: OptionSpec): string[] {
  const f = optionFacts(o);
  return [
    `### ${f.inFile ? code(f.key) : `${code(f.key)} (not in the file)`}`,
    "",
    `- Flag: ${code(f.usage)}`,
    `- Environment: ${f.env.map(code).join(", ")}`,
    `- Default: ${o.defaultText === undefined ? code(f.default) : f.default}`,
    `- Accepts: ${f.allowed}`,
    `- Read by: ${f.readers.map((r) => code(`rolewatch ${r}`)).join(", ")}`,
    "",
    f.help,
    "",
  ];
}

export function optionsReference(): string {
  return [
    "# Options",
    "",
    "<!-- Written by `npm run docs` from the configuration table (src/config/options.ts);",
    "test/docs/reference.test.ts fails when it differs. -->",
    "",
    "Each option is read from the YAML file (`--config`, default /etc/rolewatch/config.yaml), then the",
    "environment, then the flags: the last one that sets it wins, and a bad value anywhere is an error",
    "that names its key. A dotted key is nested in the file: `poll.interval` is `poll: { interval: 15s }`.",
    "`rolewatch config show` prints the value each option has and where it came from. An environment",
    "variable set but empty counts as unset; of two names, the first set wins.",
    "",
    ...GROUPS.flatMap((group) => [`## ${group.title}`, "", ...OPTIONS.filter((o) => o.group === group.id).flatMap((o) => entry(o))]),
  ].join("\n");
}
