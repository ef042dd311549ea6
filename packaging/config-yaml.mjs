// Writes /etc/rolewatch/config.yaml of the packages from the option table
// (src/config/options.ts, built into dist/): every option that the file can
// set, commented out with its default and its help, so that the shipped file
// changes nothing and cannot drift from the code.
//
//   node packaging/config-yaml.mjs > config.yaml      (after npm run build)
//
// Option and section lines start with "#" and no space ("#poll:") or "#" and
// two spaces ("#  interval: 15s"): removing that one character sets the
// option. Prose lines start with "# " and one space.
import { OPTIONS } from "../dist/config.js";
import { wrap } from "../dist/text.js";
import { parse, stringify } from "yaml";

const WIDTH = 78;

/** The default as the parser reads it back, quoted only where YAML would read other text; empty for "none". */
function scalar(option) {
  if (option.defaultText !== undefined) return "";
  const text = option.parser.format(option.default);
  return ` ${String(parse(text)) === text ? text : stringify(text).trim()}`;
}

function flag(option) {
  return option.parser.kind === "switch" ? `--[no-]${option.flag}` : `--${option.flag} ${option.parser.metavar}`;
}

function describe(option, indent) {
  const name = option.key.split(".").at(-1);
  const pad = " ".repeat(indent);
  const prose = [
    ...wrap(option.help, WIDTH - indent - 4),
    ...(option.defaultText === undefined ? [] : [`Default: ${option.defaultText}.`]),
    ...wrap(`Also set by ${option.env.join(" or ")} (environment) and ${flag(option)}.`, WIDTH - indent - 4),
  ];
  return [...prose.map((line) => `#${pad}# ${line}`), `#${pad}${name}:${scalar(option)}`];
}

const HEADER = `# rolewatch configuration: /etc/rolewatch/config.yaml
#
# Every option below is commented out and shows its default, so this file as
# shipped changes nothing. To set an option, remove the "#" at the start of its
# line and of its section's line (such as "#poll:"). ROLEWATCH_* environment
# variables override this file, and command-line flags override both.
#
# Check a change, then restart the service: "rolewatch config check" and
# "systemctl restart rolewatch".
#
# An upgrade of the package keeps this file as you edited it.
`;

// Options keep the table's order; a section is the first part of a dotted key.
const blocks = [];
for (const option of OPTIONS.filter((o) => o.inFile)) {
  const parts = option.key.split(".");
  const section = parts.length > 1 ? parts[0] : null;
  const last = blocks.at(-1);
  if (section !== null && last?.section === section) {
    last.lines.push("#", ...describe(option, 2));
  } else {
    blocks.push({ section, lines: section === null ? describe(option, 0) : [`#${section}:`, ...describe(option, 2)] });
  }
}
process.stdout.write(`${HEADER}\n${blocks.map((b) => b.lines.join("\n")).join("\n\n")}\n`);
