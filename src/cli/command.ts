import type { Env } from "../config/env.js";
import type { FlagSpecs } from "../config/flags.js";

/** What a command may touch of the process: injected, so commands run inside tests. */
export interface Io {
  argv: readonly string[];
  env: Env;
  out(text: string): void;
  err(text: string): void;
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT), with the signal's name. */
  stopSignal: Promise<string>;
}

export interface Command {
  name: string;
  summary: string;
  help(): string;
  /** The command's own flags (beside the table's), for the man page and shell completion. */
  flags?: FlagSpecs;
  /** Words the command takes first (`config check`, `config show`). */
  verbs?: readonly string[];
  /** Resolves to the exit code. */
  run(io: Io): Promise<number>;
}

/** Exit codes of the monitoring-plugin convention (docs/contract.md, Exit codes), used by every command. */
export const EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;
