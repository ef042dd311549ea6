/**
 * Value parsers shared by the config table and by any command's own flags.
 * A parser takes what a user wrote (a string from a flag or the environment,
 * or a YAML scalar) and says what it allows, so every rejection can name it.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; detail?: string };

export interface Parser<T> {
  /** "switch": a flag that takes no value (`--x`, `--x=false`, `--no-x`). */
  readonly kind: "value" | "switch";
  /** Placeholder for the value in --help: DURATION, URL. */
  readonly metavar: string;
  /** Every value accepted, when they are few words (for shell completion). */
  readonly choices?: readonly string[];
  /** What is accepted, as a noun phrase: "a duration from 1m to 6h". */
  readonly allowed: string;
  parse(raw: unknown): Parsed<T>;
  /** Writes a value the way `parse` reads it back (for defaults in --help). */
  format(value: T): string;
}

export const accept = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const reject = (detail?: string): Parsed<never> =>
  detail === undefined ? { ok: false } : { ok: false, detail };

/** Strings as written (trimmed), and numbers as YAML read them; anything else is not text. */
export function scalarText(raw: unknown): string | null {
  if (typeof raw === "string") return raw.trim();
  if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
  return null;
}

/** How a rejected value is shown: quoted when written as text, by shape otherwise. */
export function showRaw(raw: unknown): string {
  if (typeof raw === "string") {
    return JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw);
  }
  if (Array.isArray(raw)) return "a list";
  if (raw !== null && typeof raw === "object") return "a map";
  return String(raw);
}

export interface Rejection {
  /** The config key, when the value belongs to one ("poll.interval"). */
  readonly key?: string;
  /** Where it was written: "--poll-interval", "env ROLEWATCH_POLL_INTERVAL", "config.yaml:3". */
  readonly source: string;
  readonly raw: unknown;
  readonly allowed: string;
  readonly detail?: string | undefined;
}

/** `poll.interval: invalid value "7s" from --poll-interval; expected …`: key, value, what is allowed. */
export function invalidValue(r: Rejection): string {
  const subject = r.key ?? r.source;
  const from = r.key === undefined ? "" : ` from ${r.source}`;
  const detail = r.detail === undefined ? "" : ` (${r.detail})`;
  return `${subject}: invalid value ${showRaw(r.raw)}${from}${detail}; expected ${r.allowed}`;
}

const TRUE = new Set(["true", "yes", "on", "1"]);
const FALSE = new Set(["false", "no", "off", "0"]);

export const bool: Parser<boolean> = {
  kind: "switch",
  metavar: "BOOL",
  allowed: "a boolean: true/false, yes/no, on/off or 1/0",
  parse(raw) {
    if (typeof raw === "boolean") return accept(raw);
    const word = scalarText(raw)?.toLowerCase();
    if (word !== undefined && TRUE.has(word)) return accept(true);
    if (word !== undefined && FALSE.has(word)) return accept(false);
    return reject();
  },
  format: (value) => String(value),
};

export function oneOf<const T extends string>(metavar: string, values: readonly T[]): Parser<T> {
  return {
    kind: "value",
    metavar,
    choices: values,
    allowed: `one of ${values.join(", ")}`,
    parse(raw) {
      const word = scalarText(raw)?.toLowerCase();
      const found = values.find((v) => v === word);
      return found === undefined ? reject() : accept(found);
    },
    format: (value) => value,
  };
}

/** A number from `min` to `max`; `integer` also refuses fractions. */
export function number(min: number, max: number, options: { integer?: boolean; metavar?: string } = {}): Parser<number> {
  const what = options.integer === true ? "an integer" : "a number";
  return {
    kind: "value",
    metavar: options.metavar ?? "N",
    allowed: `${what} from ${min} to ${max}`,
    parse(raw) {
      const text = scalarText(raw);
      const n = text === null || text === "" ? Number.NaN : Number(text);
      const fits = n >= min && n <= max && (options.integer !== true || Number.isInteger(n));
      return fits ? accept(n) : reject();
    },
    format: (value) => String(value),
  };
}

/** `parser`, for an option whose default is "not set" (null). */
export function optional<T>(parser: Parser<T>): Parser<T | null> {
  return { ...parser, format: (value) => (value === null ? "" : parser.format(value)) };
}

export function path(metavar = "PATH"): Parser<string> {
  return {
    kind: "value",
    metavar,
    allowed: "a non-empty path",
    parse(raw) {
      const text = typeof raw === "string" ? raw.trim() : null;
      return text !== null && text !== "" && !text.includes("\0") ? accept(text) : reject();
    },
    format: (value) => value,
  };
}
