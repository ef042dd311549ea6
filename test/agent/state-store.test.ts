import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyState, type DriftState } from "../../src/drift/state.js";
import { parseState, STATE_MAX_BYTES, StateStore } from "../../src/agent/state-store.js";

const STATE: DriftState = {
  version: 1,
  open: { profile_role_mismatch: { since: 1_764_403_200_000, detail: "IMDS serves RedRole; instance profile MyInPr holds BlueRole" } },
  imds: { profileArn: "arn:aws:iam::111122223333:instance-profile/MyInPr", role: "RedRole", accessKeyId: "ASIAKEY1" },
  sts: { accessKeyId: "ASIAKEY1", roleId: "AROARED00000000000001" },
};

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), "rolewatch-state-"));
}

describe("StateStore", () => {
  it("gives back what it saved", () => {
    const store = new StateStore(freshDir());
    store.save(STATE);
    expect(store.load()).toEqual({ state: STATE });
  });

  it("leaves no temporary file behind, and keeps the file private", () => {
    const store = new StateStore(freshDir());
    store.save(STATE);
    expect(readdirSync(store.dir)).toEqual(["state.json"]);
    expect(existsSync(`${store.path}.tmp`)).toBe(false);
    expect(readFileSync(store.path, "utf8")).toContain('"version":1');
  });

  it("reports a missing file and starts fresh", () => {
    const store = new StateStore(freshDir());
    const { state, problem } = store.load();
    expect(state).toEqual(emptyState());
    expect(problem).toEqual({ problem: "no state file yet; starting with no open drift", path: store.path });
  });

  it.each([
    ["truncated JSON", '{"version":1,"open":{', "not JSON"],
    ["an array", "[]", "not a JSON object"],
    ["another version", '{"version":2,"open":{},"imds":null,"sts":null}', "version 2 is not 1"],
    ["an unknown drift kind", '{"version":1,"open":{"bogus":{"since":1,"detail":""}},"imds":null,"sts":null}', "fields out of shape"],
    ["a start that is not a number", '{"version":1,"open":{"profile_empty":{"since":"x","detail":""}},"imds":null,"sts":null}', "fields out of shape"],
    // Each made every poll fail (RangeError: Invalid time value) for as long as it stayed on disk.
    ["a start of 1e308", '{"version":1,"open":{"profile_empty":{"since":1e308,"detail":""}},"imds":null,"sts":null}', "fields out of shape"],
    ["a start of -8.64e15", '{"version":1,"open":{"profile_empty":{"since":-8.64e15,"detail":""}},"imds":null,"sts":null}', "fields out of shape"],
    ["a start before EC2 existed", '{"version":1,"open":{"profile_empty":{"since":0,"detail":""}},"imds":null,"sts":null}', "fields out of shape"],
    ["a start with a fraction", '{"version":1,"open":{"profile_empty":{"since":1764403200000.5,"detail":""}},"imds":null,"sts":null}', "fields out of shape"],
    ["a 5,000-character role", `{"version":1,"open":{},"imds":{"profileArn":null,"role":"${"R".repeat(5000)}","accessKeyId":null},"sts":null}`, "fields out of shape"],
  ])("reports a corrupt file (%s) and replaces it with a fresh state", (_name, text, why) => {
    const store = new StateStore(freshDir());
    writeFileSync(store.path, text);
    const { state, problem } = store.load();
    expect(state).toEqual(emptyState());
    expect(problem?.problem).toBe(`${why}; replaced by a fresh state`);
  });

  it("throws when the state directory cannot be made, for the caller to report", () => {
    const notADir = join(freshDir(), "a-file");
    writeFileSync(notADir, "");
    expect(() => new StateStore(notADir).save(STATE)).toThrow(/EEXIST|ENOTDIR/);
  });

  it("reads no more than its cap of a file, however large, and replaces it", () => {
    const store = new StateStore(freshDir());
    writeFileSync(store.path, `{"version":1,"open":{},"imds":null,"sts":null,"pad":"${"x".repeat(10 * 1024 * 1024)}"}`);
    const { state, problem } = store.load();
    expect(state).toEqual(emptyState());
    expect(problem?.problem).toBe(`larger than ${STATE_MAX_BYTES} bytes; replaced by a fresh state`);
  });

  it("never follows a link put where its temporary file or its state file would be", () => {
    const dir = freshDir();
    const store = new StateStore(dir);
    const victim = join(dir, "victim");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, `${store.path}.tmp`); // the fixed name it used to write through
    store.save(STATE);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(store.load()).toEqual({ state: STATE });
    expect(readdirSync(dir).sort()).toEqual(["state.json", "state.json.tmp", "victim"]);
    rmSync(store.path);
    symlinkSync(victim, store.path);
    expect(store.load().problem?.problem).toBe("cannot be read (ELOOP); starting fresh");
  });

  it("parses only what it writes", () => {
    expect(parseState(JSON.stringify(STATE))).toEqual(STATE);
  });
});
