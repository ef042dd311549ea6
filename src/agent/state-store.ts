import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { isDriftKind } from "../drift/kinds.js";
import { emptyState, STATE_VERSION, type DriftState, type OpenDrift } from "../drift/state.js";

// Not an ESM import: the ESM view of node:fs reads every export, fs.promises and its streams
// among them, which then stay loaded for the life of the daemon.
const { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } = process.getBuiltinModule("node:fs");

export const STATE_FILE = "state.json";

/** The state of every drift kind is a few KB; a larger file is not ours, and is not read whole. */
export const STATE_MAX_BYTES = 64 * 1024;

// A drift's start is a time rolewatch saw: after EC2's first day, before 2100. A value outside (1e308,
// -8.64e15) is not a time any Date can show, and would fail every poll that reports it.
const EARLIEST = Date.UTC(2006, 7, 25);
const LATEST = Date.UTC(2100, 0, 1);
const MAX_TEXT = 4096;

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
      text = readCapped(this.path, STATE_MAX_BYTES);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      if (code === "EFBIG") return { problem: `larger than ${STATE_MAX_BYTES} bytes` };
      return { problem: code === "ENOENT" ? "no state file" : `cannot be read (${code})`, code };
    }
    const state = parseState(text);
    return typeof state === "string" ? { problem: state } : { state };
  }

  /**
   * Throws on an I/O failure; the caller reports it and keeps going. The temporary file has a name of
   * its own and is created, never opened: a link or a file put in its place is refused, not followed.
   */
  save(state: DriftState): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      try {
        writeSync(fd, JSON.stringify(state) + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
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
  if (!isRecord(value) || typeof value.since !== "number" || typeof value.detail !== "string") return false;
  return Number.isInteger(value.since) && value.since >= EARLIEST && value.since < LATEST && value.detail.length <= MAX_TEXT;
}

function parseImds(value: unknown): DriftState["imds"] | undefined {
  if (value === null) return null;
  if (!isRecord(value)) return undefined;
  const { profileArn, role, accessKeyId } = value;
  if (![profileArn, role, accessKeyId].every((v) => v === null || (typeof v === "string" && v.length <= MAX_TEXT))) return undefined;
  return { profileArn, role, accessKeyId } as DriftState["imds"];
}

function parseSts(value: unknown): DriftState["sts"] | undefined {
  if (value === null) return null;
  if (!isRecord(value) || typeof value.accessKeyId !== "string" || typeof value.roleId !== "string") return undefined;
  if (value.accessKeyId.length > MAX_TEXT || value.roleId.length > MAX_TEXT) return undefined;
  return { accessKeyId: value.accessKeyId, roleId: value.roleId };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A file's text, read through one descriptor; EFBIG when it holds more than `max` bytes. */
function readCapped(path: string, max: number): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const tooLarge = () => Object.assign(new Error("state file too large"), { code: "EFBIG" });
    if (fstatSync(fd).size > max) throw tooLarge();
    // Read to the end, not to the size stat gave: the file may have grown since.
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) return buffer.subarray(0, length).toString("utf8");
      length += n;
      if (length > max) throw tooLarge();
    }
  } finally {
    closeSync(fd);
  }
}
