import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyState, type DriftState } from "../../src/drift/state.js";
import { parseState, StateStore } from "../../src/agent/state-store.js";

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

  it("parses only what it writes", () => {
    expect(parseState(JSON.stringify(STATE))).toEqual(STATE);
  });
});
