/** The environment layer: which options ROLEWATCH_* (and the standard names beside them) set. */
import type { Setting } from "./file.js";
import { OPTIONS } from "./options.js";
import { didYouMean } from "./suggest.js";

export type Env = Readonly<Record<string, string | undefined>>;

export interface EnvLayer {
  settings: Setting[];
  /** ROLEWATCH_* variables that no option reads: likely typos, but not fatal. */
  warnings: string[];
}

const PREFIX = "ROLEWATCH_";
const KNOWN = new Set(OPTIONS.flatMap((o) => o.env));

/**
 * systemd joins several StateDirectory= entries with ":" (systemd.exec(5),
 * "RuntimeDirectory=, StateDirectory=, …"); the first is ours.
 */
const ADAPT: Readonly<Record<string, (value: string) => string>> = {
  STATE_DIRECTORY: (value) => value.split(":")[0] ?? value,
};

export function readEnvSettings(env: Env): EnvLayer {
  const settings: Setting[] = [];
  for (const option of OPTIONS) {
    // An empty variable counts as unset, as with systemd's EnvironmentFile= templates.
    const name = option.env.find((n) => (env[n] ?? "").trim() !== "");
    const value = name === undefined ? undefined : env[name];
    if (name === undefined || value === undefined) continue;
    const adapt = ADAPT[name];
    settings.push({ key: option.key, raw: adapt === undefined ? value : adapt(value), source: `env ${name}` });
  }
  const warnings = Object.keys(env)
    .filter((name) => name.startsWith(PREFIX) && !KNOWN.has(name))
    .sort()
    .map((name) => `unknown environment variable ${name}${didYouMean(name, [...KNOWN].filter((n) => n.startsWith(PREFIX)))}`);
  return { settings, warnings };
}
