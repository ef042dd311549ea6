import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseState } from "../../src/agent/state-store.js";
import { Field, MINUTE } from "../support/field.js";

let field: Field;
afterEach(() => field.close());

describe("the agent's state file", () => {
  it("when corrupt, gives one warning event and a fresh state, and the agent goes on", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    const file = join(field.stateDir, "state.json");
    writeFileSync(file, '{"version":1,"open":{"profile_empty":');
    field.lines.length = 0;
    field.restartAgent();
    const report = await field.run(MINUTE);
    const warnings = field.events().filter((e) => e["log.level"] === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ rolewatch: { state: { path: file, problem: "not JSON; replaced by a fresh state" } } });
    expect(report.status).toBe("ok");
    expect(typeof parseState(readFileSync(file, "utf8"))).toBe("object");
  });

  it.each([["1e308"], ["-8.64e15"]])("with an open drift since %s (out of any date's range), is reported once and replaced, and every poll after succeeds", async (since) => {
    field = await Field.start();
    await field.run(MINUTE);
    const file = join(field.stateDir, "state.json");
    writeFileSync(file, `{"version":1,"open":{"profile_empty":{"since":${since},"detail":""}},"imds":null,"sts":null}`);
    field.lines.length = 0;
    field.restartAgent();
    const first = await field.run(MINUTE);
    const second = await field.run(MINUTE);
    expect(field.events().filter((e) => e["log.level"] === "warn")).toMatchObject([{ rolewatch: { state: { path: file, problem: expect.stringContaining("fields out of shape") } } }]);
    expect(field.events("poll-failed")).toEqual([]);
    expect([first.status, second.status]).toEqual(["ok", "ok"]);
    expect(readFileSync(file, "utf8")).not.toContain(since);
  });

  it("when missing at the first start, is reported once, as routine, not a warning, and then written", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    expect(field.events().filter((e) => e["log.level"] === "warn")).toEqual([]);
    expect(field.events("state-created")).toMatchObject([{ "log.level": "info", rolewatch: { state: { path: join(field.stateDir, "state.json") } } }]);
    expect(parseState(readFileSync(join(field.stateDir, "state.json"), "utf8"))).toMatchObject({ version: 1, imds: { role: "RedRole" } });
  });
});
