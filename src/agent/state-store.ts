import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { isDriftKind } from "../drift/kinds.js";
import { emptyState, STATE_VERSION, type DriftState, type OpenDrift } from "../drift/state.js";

export const STATE_FILE = "state.json";

export type StateProblem = { problem: string; path: string };

/**
 * The drift state on disk. Writes are atomic (temp file, fsync, rename, fsync
 * of the directory), so a crash or power loss leaves the old state or the new
 * one, never half of either. A missing, unreadable or corrupt file is reported
 * and replaced by a fresh state: it never stops the agent.
 */
export class StateStore {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, STATE_FILE);
  }

  /** `first`: there is no file yet, as on a first start (not a problem, though `problem` says it too). */
  load(): { state: DriftState; problem?: StateProblem; first?: boolean } {
    const read = this.read();
    if ("state" in read) return read;
    if (read.code === "ENOENT") return { state: emptyState(), problem: { problem: "no state file yet; starting with no open drift", path: this.path }, first: true };
    const problem = read.code !== undefined ? `cannot be read (${read.code}); starting fresh` : `${read.problem}; replaced by a fresh state`;
    return { state: emptyState(), problem: { problem, path: this.path } };
  }

  /** The state on disk, or why there is none to use (`code`: the file could not be read). Writes nothing. */
  read(): { state: DriftState } | { problem: string; code?: string } {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      return { problem: code === "ENOENT" ? "no state file" : `cannot be read (${code})`, code };
    }
    const state = parseState(text);
    return typeof state === "string" ? { problem: state } : { state };
  }

  /** Throws on an I/O failure; the caller reports it and keeps going. */
  save(state: DriftState): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp`;
    const fd = openSync(temp, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(state) + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    const dirFd = openSync(this.dir, "r");
    try {
      fsyncSync(dirFd); // the rename itself survives a power loss
    } finally {
      closeSync(dirFd);
    }
  }
}

/** The state in a file's text, or why it cannot be used. */
export function parseState(text: string): DriftState | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (!isRecord(value)) return "not a JSON object";
  if (value.version !== STATE_VERSION) return `version ${JSON.stringify(value.version)} is not ${STATE_VERSION}`;
  const open = parseOpen(value.open);
  const imds = parseImds(value.imds);
  const sts = parseSts(value.sts);
  if (open === undefined || imds === undefined || sts === undefined) return "fields out of shape";
  return { version: STATE_VERSION, open, imds, sts };
}

function parseOpen(value: unknown): DriftState["open"] | undefined {
  if (!isRecord(value)) return undefined;
  const open: DriftState["open"] = {};
  for (const [kind, drift] of Object.entries(value)) {
    if (!isDriftKind(kind) || !isOpenDrift(drift)) return undefined;
    open[kind] = { since: drift.since, detail: drift.detail };
  }
  return open;
}

function isOpenDrift(value: unknown): value is OpenDrift {
  return isRecord(value) && Number.isFinite(value.since) && typeof value.detail === "string";
}

function parseImds(value: unknown): DriftState["imds"] | undefined {
  if (value === null) return null;
  if (!isRecord(value)) return undefined;
  const { profileArn, role, accessKeyId } = value;
  if (![profileArn, role, accessKeyId].every((v) => v === null || typeof v === "string")) return undefined;
  return { profileArn, role, accessKeyId } as DriftState["imds"];
}

function parseSts(value: unknown): DriftState["sts"] | undefined {
  if (value === null) return null;
  if (!isRecord(value) || typeof value.accessKeyId !== "string" || typeof value.roleId !== "string") return undefined;
  return { accessKeyId: value.accessKeyId, roleId: value.roleId };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
