/**
 * `npm run bench` keeps working: its fast mode (a few polls of every part, on
 * both runtimes) runs the whole script and writes every figure the table and
 * the README come from. The figures of a fast run mean nothing; only that they
 * are there, and measured on what the unit deploys.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const UNIT_FLAGS = /^Environment="NODE_OPTIONS=([^"]*)"$/m.exec(readFileSync(join(REPO, "systemd/rolewatch.service"), "utf8"))?.[1] ?? "";

interface Runtime {
  id: string;
  version: string;
  nodeFlags: { args: string[]; from: string };
  memory: { emptyNodeMiB: number; steadyMiB: number; ratioToEmpty: number };
  week: { polls: number; fromMiB: number; toMiB: number; readings: unknown[] } | null;
  cpu: { pollImdsOnlyMs: number; floorPollMs: number; idleMsPerSecond: number };
}

describe("npm run bench", () => {
  it("runs in fast mode on the packages' Node and this one, with the unit's NODE_OPTIONS, and writes its figures", { timeout: 600_000 }, (ctx) => {
    if (!["x64", "arm64"].includes(process.arch)) return ctx.skip(`no Node.js package for ${process.arch}`);
    const out = join(mkdtempSync(join(tmpdir(), "rolewatch-bench-test-")), "bench.json");
    const run = spawnSync(process.execPath, ["test/bench/bench.mjs"], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, BENCH_FAST: "1", BENCH_OUT: out },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("targets");
    const { figures } = JSON.parse(readFileSync(out, "utf8")) as { figures: { runtimes: Runtime[]; targets: { verdict: string }[] } };
    const [shipped, development] = figures.runtimes;
    expect(shipped?.id).toBe("shipped");
    expect(shipped?.version).toMatch(/^v24\./);
    expect(shipped?.nodeFlags.args.join(" ")).toBe(UNIT_FLAGS);
    expect(development?.version).toBe(process.version);
    for (const rt of [shipped!, development!]) {
      expect(rt.memory.emptyNodeMiB).toBeGreaterThan(10);
      expect(rt.memory.ratioToEmpty).toBeCloseTo(rt.memory.steadyMiB / rt.memory.emptyNodeMiB, 1);
      expect(rt.cpu.pollImdsOnlyMs).toBeGreaterThan(0);
      // The floor's own poll, measured in the floor process: three GETs by hand cost some CPU, never nothing.
      expect(rt.cpu.floorPollMs).toBeGreaterThan(0);
    }
    expect(shipped?.week?.polls).toBe(1500);
    expect(shipped?.week?.readings.length).toBeGreaterThan(1);
    expect(development?.week).toBeNull();
    expect(figures.targets.every((t) => ["PASS", "MISS", "SKIP"].includes(t.verdict))).toBe(true);
  });
});
