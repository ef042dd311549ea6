/**
 * `rolewatch config show`: the value every option has, resolved as the commands resolve it
 * (defaults, the file, the environment, the flags: docs/reference/options.md), and where it came from.
 */
import { loadConfig, OPTIONS, type OptionSpec, type OptionValues, type Sources } from "../config.js";
import { bool } from "../config/parsers.js";
import { ConfigError } from "../errors.js";
import type { Io } from "./command.js";

/** `show`'s own flag; it takes the table's too. */
export const SHOW_FLAGS = { json: { parser: bool } } as const;

/** What a secret option shows instead of its value. */
export const MASK = "********";

export interface ShownOption {
  key: string;
  /** The value as it would be written in the file; null when the option is not set (or an empty list); MASK for a secret. */
  value: string | null;
  source: string;
}

/** One option's value as shown: written the way its parser reads it back, a secret masked. */
export function showValue(option: OptionSpec, value: unknown): string | null {
  if (value === null) return null;
  if (option.secret === true) return MASK;
  const written = option.parser.format(value);
  return written === "" ? null : written; // an empty list: nothing set
}

export function shownOptions(values: OptionValues, sources: Sources): ShownOption[] {
  return OPTIONS.map((o) => ({ key: o.key, value: showValue(o, values[o.key]), source: sources[o.key] }));
}

function text(shown: readonly ShownOption[], configFile: string | null): string {
  const width = Math.max(...shown.map((s) => s.key.length));
  const value = (s: ShownOption) => s.value ?? `(not set: ${OPTIONS.find((o) => o.key === s.key)?.defaultText ?? "none"})`;
  const column = Math.max(...shown.map((s) => value(s).length));
  const rows = shown.map((s) => `${s.key.padEnd(width)}  ${value(s).padEnd(column)}  ${s.source}`.trimEnd());
  const file = configFile === null ? "# no configuration file was read" : `# configuration file: ${configFile}`;
  return `${file}\n${rows.join("\n")}\n`;
}

/** Prints the effective configuration; `argv` may hold any of the table's flags, and --json. */
export function showConfig(io: Io, argv: readonly string[]): void {
  const { config, values, sources, warnings, rest, flags } = loadConfig({ argv, env: io.env, flags: SHOW_FLAGS });
  if (rest.length > 0) throw new ConfigError([`usage: rolewatch config show [--json] [options]: unexpected argument ${JSON.stringify(rest[0])}`]);
  for (const warning of warnings) io.err(`${warning}\n`);
  const shown = shownOptions(values, sources);
  io.out(flags.json === true ? `${JSON.stringify({ configFile: config.configFile, options: shown }, null, 2)}\n` : text(shown, config.configFile));
}
