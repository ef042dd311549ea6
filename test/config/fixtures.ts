import { expect } from "vitest";
import { loadConfig, type Config } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";

export const DEFAULT_FILE = "/etc/rolewatch/config.yaml";

/** A readFile over an in-memory set of files: the real filesystem is never read. */
export function files(contents: Record<string, string>): (path: string) => string | null {
  return (path) => (Object.hasOwn(contents, path) ? (contents[path] ?? null) : null);
}

export interface Sources {
  argv?: string[];
  env?: Record<string, string>;
  /** The default file's text; absent: no default file. */
  yaml?: string;
  files?: Record<string, string>;
}

export function load(sources: Sources = {}): Config {
  return loadConfig(input(sources)).config;
}

export function input(sources: Sources) {
  const all = { ...sources.files, ...(sources.yaml === undefined ? {} : { [DEFAULT_FILE]: sources.yaml }) };
  return { argv: sources.argv ?? [], env: sources.env ?? {}, readFile: files(all) };
}

/** The problems loadConfig reports for these sources (it must throw a ConfigError). */
export function problemsOf(sources: Sources): readonly string[] {
  try {
    loadConfig(input(sources));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}
