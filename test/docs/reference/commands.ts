/**
 * What the man page and the shell completions say of each command, from the commands themselves
 * (src/cli/main.ts COMMANDS, each command's own flags and usage) and the configuration table.
 */
import { COMMANDS } from "../../../src/cli/main.js";
import { NOT_READ_BY, OPTIONS, type OptionSpec, type Parser } from "../../../src/config.js";

const file = (path: string) => new URL(`../../../${path}`, import.meta.url).pathname;
/** The files npm run docs writes, which the packages install. */
export const MAN = file("packaging/man/rolewatch.1");
export const BASH = file("packaging/completion/rolewatch.bash");
export const ZSH = file("packaging/completion/_rolewatch");

export interface FlagDoc {
  /** Without the dashes. */
  name: string;
  parser: Parser<unknown>;
  /** The table's help, for a table option; "" for a command's own flag (its usage says it). */
  help: string;
}

export interface CommandDoc {
  name: string;
  summary: string;
  /** The usage lines of its --help, without "Usage: ". */
  usage: string[];
  verbs: readonly string[];
  flags: FlagDoc[];
}

/** The commands that read the configuration table, each without the options it does not read; `config show` reads them all. */
function tableOptions(command: string): OptionSpec[] {
  if (command === "config") return [...OPTIONS];
  const unread = (NOT_READ_BY as Readonly<Record<string, readonly string[]>>)[command];
  return unread === undefined ? [] : OPTIONS.filter((o) => !unread.includes(o.key));
}

/** One line per form of the command; a line that does not start with "rolewatch" continues the one before. */
function usageOf(help: string): string[] {
  const block = help.split("\n\n")[0] ?? "";
  const lines: string[] = [];
  for (const raw of block.split("\n")) {
    const line = raw.replace(/^Usage: /, "").trim();
    if (line.startsWith("rolewatch ") || lines.length === 0) lines.push(line);
    else lines[lines.length - 1] += ` ${line}`;
  }
  return lines;
}

export async function commandDocs(): Promise<CommandDoc[]> {
  return Promise.all(
    COMMANDS.map(async (entry) => {
      const command = await entry.load();
      const own = Object.entries(command.flags ?? {}).map(([name, spec]) => ({ name, parser: spec.parser as Parser<unknown>, help: "" }));
      const table = tableOptions(entry.name).map((o) => ({ name: o.flag, parser: o.parser as Parser<unknown>, help: o.help }));
      return { name: entry.name, summary: entry.summary, usage: usageOf(command.help()), verbs: command.verbs ?? [], flags: [...own, ...table] };
    }),
  );
}

/** The flag spellings a shell offers: `--name`, and `--no-name` for a switch. */
export function spellings(flag: FlagDoc): string[] {
  return flag.parser.kind === "switch" ? [`--${flag.name}`, `--no-${flag.name}`] : [`--${flag.name}`];
}

/** A value that names a file or directory, which the shell completes as one. */
export function takesPath(flag: FlagDoc): boolean {
  return ["FILE", "DIR", "PATH"].includes(flag.parser.metavar);
}
