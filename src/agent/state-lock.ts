import { join } from "node:path";
import { RolewatchError } from "../errors.js";

// Not an ESM import: the ESM view of node:fs reads every export, fs.promises and its streams
// among them, which then stay loaded for the life of the daemon.
const { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeSync } = process.getBuiltinModule("node:fs");

export const LOCK_FILE = "lock";

/** A second daemon on a state directory that one already uses: it would overwrite that one's drifts. */
export class StateLockedError extends RolewatchError {}

/**
 * One daemon per state directory: a lock file created exclusively, holding the
 * owner's pid. A lock whose process no longer runs (a crash, a SIGKILL) is
 * taken over; one whose process runs refuses the second daemon at start.
 */
export class StateLock {
  readonly path: string;

  private constructor(dir: string) {
    this.path = join(dir, LOCK_FILE);
  }

  static acquire(dir: string, pid: number = process.pid): StateLock {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const lock = new StateLock(dir);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (lock.#create(pid)) return lock;
      const owner = lock.#owner();
      if (owner !== null && owner !== pid && running(owner)) {
        throw new StateLockedError(`state directory ${dir} is in use by rolewatch (pid ${owner}); a second daemon there would overwrite its drifts`);
      }
      rmSync(lock.path, { force: true }); // left by a daemon that no longer runs
    }
    throw new StateLockedError(`state directory ${dir}: the lock ${lock.path} could not be taken`);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }

  #create(pid: number): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
    try {
      writeSync(fd, `${pid}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  #owner(): number | null {
    try {
      const pid = Number(readFileSync(this.path, "utf8").trim());
      return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
