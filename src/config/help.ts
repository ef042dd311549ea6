/** --help and the README's option table, written from the config table so they cannot drift from it. */
import { GROUPS, NOT_READ_BY, OPTIONS, readersOf, type OptionSpec } from "./options.js";
import { wrap } from "../text.js";

const WIDTH = 80;
// Longer flags take a line of their own, so that the help keeps ~50 columns.
const MAX_FLAG_COLUMN = 30;

/** `--poll-interval DURATION`; a switch reads `--[no-]imds-allow-v1`. */
export function flagUsage(option: OptionSpec): string {
  const { flag, parser } = option;
  return parser.kind === "switch" ? `--[no-]${flag}` : `--${flag} ${parser.metavar}`;
}

export function defaultText(option: OptionSpec): string {
  return option.defaultText ?? option.parser.format(option.default);
}

/** The options section of --help: grouped, flags aligned, each with its env vars and default. */
export function optionsHelp(except: readonly string[] = []): string {
  const shown = OPTIONS.filter((o) => !except.includes(o.key));
  const column = Math.min(MAX_FLAG_COLUMN, Math.max(...shown.map((o) => flagUsage(o).length)) + 4);
  const sections = GROUPS.flatMap((group) => {
    const options = shown.filter((o) => o.group === group.id);
    return options.length === 0 ? [] : [[`${group.title}:`, ...options.flatMap((o) => describe(o, column))].join("\n")];
  });
  return `${sections.join("\n\n")}\n`;
}

function describe(option: OptionSpec, column: number): string[] {
  const width = WIDTH - column;
  const body = [
    ...wrap(option.help, width),
    ...wrap(`env: ${option.env.join(", ")}`, width),
    ...wrap(`default: ${defaultText(option)}`, width),
  ];
  const usage = `  ${flagUsage(option)}`;
  const indent = " ".repeat(column);
  if (usage.length >= column - 1) return [usage, ...body.map((line) => indent + line)];
  const [first = "", ...more] = body;
  return [usage.padEnd(column) + first, ...more.map((line) => indent + line)];
}

/** A Markdown table of every option, for the README. */
export function optionsMarkdown(): string {
  const rows = OPTIONS.map((o) =>
    [
      o.inFile ? code(o.key) : "(not in the file)",
      code(flagUsage(o)),
      o.env.map(code).join(", "),
      o.defaultText ?? code(defaultText(o)),
      `${o.help}${readBy(o.key)}`,
    ]
      .map((cell) => cell.replaceAll("|", "\\|"))
      .join(" | "),
  );
  const header = ["| Key | Flag | Environment | Default | Meaning |", "|---|---|---|---|---|"];
  return `${[...header, ...rows.map((row) => `| ${row} |`)].join("\n")}\n`;
}

/** " Only `run` reads it.", for an option some commands do not read; "" for one every command reads. */
function readBy(key: string): string {
  const readers = readersOf(key);
  if (readers.length === Object.keys(NOT_READ_BY).length) return "";
  const names = readers.map(code);
  return ` Only ${names.join(" and ")} ${names.length === 1 ? "reads" : "read"} it.`;
}

function code(text: string): string {
  return `\`${text}\``;
}
