/** Durations as written in config (`500ms`, `15s`, `1h30m`, or bare seconds) and the poll schedule. */
import { accept, reject, scalarText, type Parser } from "./parsers.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Largest unit first, as they must be written ("1h30m", not "30m1h"). */
const UNITS: readonly (readonly [string, number])[] = [
  ["h", HOUR],
  ["m", MINUTE],
  ["s", SECOND],
  ["ms", 1],
];

const TERM = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
const BARE_SECONDS = /^\d+(?:\.\d+)?$/;

/**
 * Milliseconds, or null when `text` is not a duration. A bare number counts
 * seconds, as the integer TTLs and timeouts of AWS tools do. The result must be
 * a whole number of milliseconds.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (BARE_SECONDS.test(trimmed)) return wholeMs(Number(trimmed) * SECOND);
  if (trimmed === "") return null;
  let total = 0;
  let lastUnit = -1;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < trimmed.length) {
    const match = TERM.exec(trimmed);
    if (match === null) return null;
    const unit = UNITS.findIndex(([name]) => name === match[2]);
    if (unit <= lastUnit) return null;
    lastUnit = unit;
    total += Number(match[1]) * (UNITS[unit]?.[1] ?? Number.NaN);
  }
  return wholeMs(total);
}

function wholeMs(ms: number): number | null {
  const rounded = Math.round(ms);
  // Tolerate binary rounding ("0.1s"), reject sub-millisecond precision ("1.5ms").
  return Number.isFinite(ms) && Math.abs(ms - rounded) < 1e-6 ? rounded : null;
}

/** The shortest spelling `parseDuration` reads back: 5400000 -> "1h30m", 500 -> "500ms". */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let text = "";
  for (const [name, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${name}`;
    rest -= count * size;
  }
  return text;
}

/** Divisors of 60 below 60: the steps a cron field can repeat without an uneven gap at the wrap. */
const EVEN_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] as const;

/** Every poll interval a cron schedule expresses evenly, in ms: 1s..30s, then 1m..30m. */
export const POLL_INTERVALS: readonly number[] = [
  ...EVEN_STEPS.map((n) => n * SECOND),
  ...EVEN_STEPS.map((n) => n * MINUTE),
];

export function duration(minMs: number, maxMs: number): Parser<number> {
  return {
    kind: "value",
    metavar: "DURATION",
    allowed: `a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)} (such as 500ms, 15s, 5m, 1h30m)`,
    parse(raw) {
      const text = scalarText(raw);
      const ms = text === null ? null : parseDuration(text);
      return ms !== null && ms >= minMs && ms <= maxMs ? accept(ms) : reject();
    },
    format: formatDuration,
  };
}

/** A duration that must be one of `choices` (ms); `why` says what they have in common. */
export function durationOneOf(choices: readonly number[], why: string): Parser<number> {
  return {
    kind: "value",
    metavar: "DURATION",
    allowed: `${why}: ${choices.map(formatDuration).join(", ")}`,
    parse(raw) {
      const text = scalarText(raw);
      const ms = text === null ? null : parseDuration(text);
      return ms !== null && choices.includes(ms) ? accept(ms) : reject();
    },
    format: formatDuration,
  };
}

/** Whole seconds from `min` to `max`, as a bare integer or a duration ("6h"). */
export function seconds(min: number, max: number): Parser<number> {
  return {
    kind: "value",
    metavar: "SECONDS",
    allowed: `whole seconds from ${min} to ${max}, or a duration up to ${formatDuration(max * 1000)}`,
    parse(raw) {
      const text = scalarText(raw);
      const ms = text === null ? null : parseDuration(text);
      const s = ms === null ? Number.NaN : ms / 1000;
      return Number.isInteger(s) && s >= min && s <= max ? accept(s) : reject();
    },
    format: (value) => String(value),
  };
}
