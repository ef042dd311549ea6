/** Layers (file < environment < flags) checked with the table's parsers and merged over the defaults. */
import type { Setting } from "./file.js";
import type { FlagSpec, FlagSpecs } from "./flags.js";
import { OPTIONS, type OptionKey, type OptionValues } from "./options.js";
import { invalidValue } from "./parsers.js";

/** What one layer sets, by option key. */
export type Layer = Map<OptionKey, unknown>;

const BY_KEY = new Map(OPTIONS.map((o) => [o.key as OptionKey, o]));

/** The table's flags, for parseFlags; a rejected value is reported under its key. */
export const CONFIG_FLAGS: FlagSpecs = Object.fromEntries(
  OPTIONS.map((o): [string, FlagSpec<unknown>] => [o.flag, { parser: o.parser, key: o.key }]),
);

/** Parses every setting, so that a bad value is reported even where a higher layer overrides it. */
export function parseSettings(settings: readonly Setting[], problems: string[]): Layer {
  const values: Layer = new Map();
  for (const { key, raw, source } of settings) {
    const option = BY_KEY.get(key);
    if (option === undefined) continue;
    const parsed = option.parser.parse(raw);
    if (parsed.ok) values.set(key, parsed.value);
    else problems.push(invalidValue({ key, source, raw, allowed: option.parser.allowed, detail: parsed.detail }));
  }
  return values;
}

/** The config table's flag values, by option key. */
export function flagSettings(values: Readonly<Record<string, unknown>>): Layer {
  const byKey: Layer = new Map();
  for (const option of OPTIONS) {
    const value: unknown = values[option.flag];
    if (value !== undefined) byKey.set(option.key, value);
  }
  return byKey;
}

/** Defaults, then each layer in turn: the last layer that sets an option wins. */
export function merge(...layers: Layer[]): OptionValues {
  const merged = new Map<string, unknown>(OPTIONS.map((o) => [o.key, o.default]));
  for (const layer of layers) for (const [key, value] of layer) merged.set(key, value);
  // Every key of the table is present: the defaults filled them all.
  return Object.fromEntries(merged) as OptionValues;
}

/** Where each option's value came from: "default", or the source of the last layer that set it. */
export type Sources = Readonly<Record<OptionKey, string>>;

/** The table's flags that were given, as settings named by their flag. */
export function flagSources(flags: Layer): Setting[] {
  return OPTIONS.filter((o) => flags.has(o.key)).map((o) => ({ key: o.key, raw: flags.get(o.key), source: `--${o.flag}` }));
}

/** Settings in layer order (file, environment, flags): the last one of a key is where its value came from. */
export function sourcesOf(...layers: readonly (readonly Setting[])[]): Sources {
  const sources = new Map<string, string>(OPTIONS.map((o) => [o.key, "default"]));
  for (const layer of layers) for (const { key, source } of layer) sources.set(key, source);
  return Object.fromEntries(sources) as Sources;
}
