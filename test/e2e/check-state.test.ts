import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/agent/report.js";
import { checkCommand } from "../../src/cli/check.js";
import { contractProblems } from "../support/contract.js";
import { Field, MINUTE, openKinds } from "../support/field.js";

let field: Field;
afterEach(() => field.close());

/** `rolewatch check --json` in this process, on the field's fake clock, with the state directory given. */
async function check(stateDir: string): Promise<{ code: number; report: CheckReport }> {
  let out = "";
  const io = {
    argv: ["--json", "--imds-endpoint", field.sim.imdsUrl, "--state-dir", stateDir],
    env: { AWS_ENDPOINT_URL: field.sim.awsUrl },
    out: (text: string) => void (out += text),
    err: () => undefined,
    stopSignal: new Promise<string>(() => {}),
  };
  const code = await checkCommand(field.clock).run(io);
  return { code, report: JSON.parse(out) as CheckReport };
}

describe("check beside a running daemon", () => {
  it("reports a drift the daemon has had open for 20 minutes with its original start, and leaves the state file as it was", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    await field.until((r) => openKinds(r).includes("profile_role_mismatch"), 6 * MINUTE);
    const since = field.last?.drifts.find((d) => d.kind === "profile_role_mismatch")?.since;
    await field.run(20 * MINUTE);
    const file = join(field.stateDir, "state.json");
    const saved = readFileSync(file, "utf8");

    const { code, report } = await check(field.stateDir);
    expect(code).toBe(2);
    expect(contractProblems(report)).toEqual([]);
    expect(report.drifts.find((d) => d.kind === "profile_role_mismatch")?.since).toBe(since);
    expect(Date.parse(report.observedAt) - Date.parse(since ?? "")).toBeGreaterThanOrEqual(20 * MINUTE);
    expect(report.stateFile).toEqual({ path: file, read: true });
    expect(readFileSync(file, "utf8")).toBe(saved);
  });

  it("without the daemon's state, starts each drift at this observation and says why", async () => {
    field = await Field.start();
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    const empty = mkdtempSync(join(tmpdir(), "rolewatch-no-state-"));
    const { code, report } = await check(empty);
    expect(code).toBe(2);
    expect(report.drifts.find((d) => d.kind === "profile_role_mismatch")?.since).toBe(report.observedAt);
    expect(report.stateFile).toEqual({ path: join(empty, "state.json"), read: false, reason: "no state file" });
  });
});
