import { afterEach, describe, expect, it, vi, type TestContext } from "vitest";
import { findTool, requireTool } from "../support/observe-tools.js";

const missing = findTool("rolewatch-no-such-tool", "apt-get install no-such-package");

/** A context whose skip() records its note instead of skipping the test that uses it. */
function fakeContext() {
  const skipped: string[] = [];
  const ctx = { skip: (note: string) => void skipped.push(note) } as unknown as TestContext;
  return { ctx, skipped };
}

describe("tests that need a tool", () => {
  afterEach(() => void vi.unstubAllEnvs());

  it("finds a tool on the PATH", () => {
    expect(findTool("node", "").available).toBe(true);
    expect(missing.available).toBe(false);
  });

  it("skip, saying what to install, when the tool is missing", () => {
    vi.stubEnv("CI", "");
    const { ctx, skipped } = fakeContext();
    requireTool(ctx, missing);
    expect(skipped).toEqual(["rolewatch-no-such-tool not found; install it with: apt-get install no-such-package"]);
  });

  it("fail instead under CI=true", () => {
    vi.stubEnv("CI", "true");
    const { ctx, skipped } = fakeContext();
    expect(() => requireTool(ctx, missing)).toThrow(/apt-get install no-such-package.*CI=true/);
    expect(skipped).toEqual([]);
  });
});
