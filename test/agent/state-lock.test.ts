import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StateLock, StateLockedError } from "../../src/agent/state-lock.js";
import { startSimulator } from "../../src/sim/index.js";
import { cleanEnv, rolewatch, startRolewatch } from "../support/cli.js";

const freshDir = () => mkdtempSync(join(tmpdir(), "rolewatch-lock-"));

/** The pid of a process that has ended. */
function deadPid(): number {
  const done = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(done.stdout);
}

describe("the state directory's lock", () => {
  it("is held by one process, refused to another while that one runs, and released", () => {
    const dir = freshDir();
    const lock = StateLock.acquire(dir);
    expect(readFileSync(join(dir, "lock"), "utf8")).toBe(`${process.pid}\n`);
    expect(() => StateLock.acquire(dir, process.ppid)).toThrow(StateLockedError);
    expect(() => StateLock.acquire(dir, process.ppid)).toThrow(`state directory ${dir} is in use by rolewatch (pid ${process.pid})`);
    lock.release();
    expect(existsSync(join(dir, "lock"))).toBe(false);
  });

  it("is taken over from a daemon that no longer runs (a crash, a SIGKILL)", () => {
    const dir = freshDir();
    writeFileSync(join(dir, "lock"), `${deadPid()}\n`);
    StateLock.acquire(dir).release();
    writeFileSync(join(dir, "lock"), "not a pid\n");
    StateLock.acquire(dir).release();
  });

  it("keeps a second `rolewatch run` on the same state directory from starting, with a clear message", async () => {
    const sim = await startSimulator({ awsPort: 0 });
    const dir = freshDir();
    const args = ["run", "--listen", "127.0.0.1:0", "--imds-endpoint", sim.imdsUrl, "--state-dir", dir];
    const env = cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl });
    const first = startRolewatch(args, env);
    try {
      await first.waitForLine((l) => l.includes('"agent-started"'), 30_000);
      const second = await rolewatch(args, env);
      expect(second.code).toBe(3);
      expect(second.stderr).toMatch(new RegExp(`^rolewatch run: state directory ${dir} is in use by rolewatch \\(pid \\d+\\); a second daemon there would overwrite its drifts\\n$`));
    } finally {
      expect(await first.stop()).toBe(0);
      await sim.close();
    }
    expect(existsSync(join(dir, "lock"))).toBe(false);
  });
});
