/**
 * The one command-line flag parser: the config table's flags and any command's
 * own (`sim --imds-port N`) go through it, so every flag takes the same forms:
 * `--name value`, `--name=value`, switches as `--name`, `--name=false`,
 * `--no-name`, and `--` ending the flags. A switch also takes a boolean word
 * after it (`--name false`), which would otherwise be a positional argument
 * silently left behind while the switch reads as true.
 */
import { invalidValue, type Parser } from "./parsers.js";
import { didYouMean } from "./suggest.js";

export interface FlagSpec<T> {
  readonly parser: Parser<T>;
  /** One letter for a `-x` form (e.g. "h"). */
  readonly short?: string;
  /** The config key this flag sets: a rejected value is reported under it. */
  readonly key?: string;
}

/** Flag specs by long name, without the leading dashes. */
export type FlagSpecs = Readonly<Record<string, FlagSpec<unknown>>>;

export type FlagValues<S extends FlagSpecs> = {
  -readonly [K in keyof S]?: S[K] extends FlagSpec<infer T> ? T : never;
};

export interface ParsedFlags<S extends FlagSpecs> {
  /** Only the flags given; a repeated flag keeps its last value. */
  values: FlagValues<S>;
  problems: string[];
  /** Positional arguments, in order (everything after `--` included). */
  rest: string[];
}

export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): ParsedFlags<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (!isFlag(arg)) {
      rest.push(arg);
      continue;
    }
    const next = argv[i + 1];
    const read = readFlag(arg, next, specs);
    if (read.usedNext) i++;
    if ("problem" in read) problems.push(read.problem);
    else values[read.name] = read.value;
  }
  return { values: values as FlagValues<S>, problems, rest };
}

// "-" alone (stdin) and negative numbers are positional.
function isFlag(arg: string): boolean {
  return arg.startsWith("-") && arg !== "-" && !/^-\d/.test(arg);
}

const BOOLEAN_WORDS = new Set(["true", "false", "yes", "no", "on", "off", "1", "0"]);

type FlagRead = { usedNext: boolean } & ({ name: string; value: unknown } | { problem: string });

function readFlag(arg: string, next: string | undefined, specs: FlagSpecs): FlagRead {
  const eq = arg.indexOf("=");
  const written = eq === -1 ? arg : arg.slice(0, eq);
  const inline = eq === -1 ? undefined : arg.slice(eq + 1);
  const found = lookup(written, specs);
  if (found === null) {
    const names = Object.keys(specs).map((n) => `--${n}`);
    return { usedNext: false, problem: `unknown option ${written}${didYouMean(written, names)}` };
  }
  const { name, spec, negated } = found;
  if (spec.parser.kind === "switch") {
    if (negated && inline !== undefined) return { usedNext: false, problem: `option ${written} takes no value` };
    if (negated || inline !== undefined) return convert(name, written, spec, negated ? false : inline, false);
    const word = next !== undefined && BOOLEAN_WORDS.has(next.toLowerCase());
    return convert(name, written, spec, word ? next : true, word);
  }
  if (inline !== undefined) return convert(name, written, spec, inline, false);
  if (next === undefined || next.startsWith("--")) {
    return { usedNext: false, problem: `option ${written} needs a value: ${spec.parser.allowed}` };
  }
  return convert(name, written, spec, next, true);
}

function lookup(written: string, specs: FlagSpecs): { name: string; spec: FlagSpec<unknown>; negated: boolean } | null {
  const short = /^-([A-Za-z])$/.exec(written)?.[1];
  if (short !== undefined) {
    const entry = Object.entries(specs).find(([, spec]) => spec.short === short);
    return entry === undefined ? null : { name: entry[0], spec: entry[1], negated: false };
  }
  if (!written.startsWith("--")) return null;
  const name = written.slice(2);
  const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
  if (spec !== undefined) return { name, spec, negated: false };
  const positive = name.startsWith("no-") ? name.slice(3) : "";
  const negatable = Object.hasOwn(specs, positive) ? specs[positive] : undefined;
  return negatable?.parser.kind === "switch" ? { name: positive, spec: negatable, negated: true } : null;
}

function convert(name: string, written: string, spec: FlagSpec<unknown>, raw: unknown, usedNext: boolean): FlagRead {
  const parsed = spec.parser.parse(raw);
  if (parsed.ok) return { usedNext, name, value: parsed.value };
  const rejection = { source: written, raw, allowed: spec.parser.allowed, detail: parsed.detail };
  return { usedNext, problem: invalidValue(spec.key === undefined ? rejection : { ...rejection, key: spec.key }) };
}
