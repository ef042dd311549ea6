import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contractProblems } from "../support/contract.js";

const SHARED = new URL("../../../shared/contract/check-output.schema.json", import.meta.url);

describe("the check-output contract", () => {
  it("is the product contract, extended only: every value its first version allows is still allowed", (ctx) => {
    if (!existsSync(SHARED)) return ctx.skip("the shared contract is not beside this checkout");
    const first = JSON.parse(readFileSync(SHARED, "utf8")) as unknown;
    const ours = JSON.parse(readFileSync(new URL("check-output.schema.json", import.meta.url), "utf8")) as unknown;
    expect(narrowings(first, ours, "$")).toEqual([]);
  });

  it("rejects an object that breaks it, so a passing validation means something", () => {
    expect(contractProblems({ status: "fine", drifts: [] })).not.toEqual([]);
  });
});

/**
 * Where `ours` differs from `first` other than by an `enum` listing more values
 * (a new drift kind, docs/contract.md, Drift kinds): any such difference could
 * refuse an object the first version accepts.
 */
function narrowings(first: unknown, ours: unknown, at: string): string[] {
  if (Array.isArray(first) && at.endsWith(".enum")) {
    const allowed = Array.isArray(ours) ? (ours as unknown[]) : [];
    return first.filter((v) => !allowed.includes(v)).map((v) => `${at} no longer allows ${JSON.stringify(v)}`);
  }
  if (typeof first !== "object" || first === null || typeof ours !== "object" || ours === null) {
    return JSON.stringify(first) === JSON.stringify(ours) ? [] : [`${at} changed`];
  }
  const keys = new Set([...Object.keys(first), ...Object.keys(ours)]);
  return [...keys].flatMap((k) => narrowings((first as Record<string, unknown>)[k], (ours as Record<string, unknown>)[k], `${at}.${k}`));
}
