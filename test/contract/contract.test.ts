import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contractProblems } from "../support/contract.js";

const SHARED = new URL("../../../shared/contract/check-output.schema.json", import.meta.url);
const OURS = new URL("check-output.schema.json", import.meta.url);

/** The schema without what later versions may add: the per-source states (docs/contract.md, Source states). */
function firstVersionOf(schema: Record<string, unknown>): unknown {
  const rest: Record<string, unknown> = { ...schema };
  delete rest.$defs;
  const properties = { ...(rest.properties as Record<string, unknown>) };
  delete properties.sources;
  return { ...rest, properties };
}

describe("the check-output contract", () => {
  it("is the product contract, extended only by the optional `sources` object, so it accepts all the first version required", (ctx) => {
    if (!existsSync(SHARED)) return ctx.skip("the shared contract is not beside this checkout");
    const ours = JSON.parse(readFileSync(OURS, "utf8")) as Record<string, unknown>;
    const shared = JSON.parse(readFileSync(SHARED, "utf8")) as Record<string, unknown>;
    expect(firstVersionOf(ours)).toEqual(shared);
    expect(ours.required).toEqual(shared.required);
  });

  it("rejects an object that breaks it, so a passing validation means something", () => {
    expect(contractProblems({ status: "fine", drifts: [] })).not.toEqual([]);
  });

  it("rejects a source state it does not define, and a stale one without its time", () => {
    const base = { status: "unknown", instance: null, imds: { reachable: true }, sts: null, profile: null, association: null, drifts: [] };
    expect(contractProblems(base)).toEqual([]);
    expect(contractProblems({ ...base, sources: { imds: { state: "fresh", since: "2026-12-01T08:00:00Z" } } })).toEqual([]);
    expect(contractProblems({ ...base, sources: { imds: { state: "maybe" } } })).not.toEqual([]);
    expect(contractProblems({ ...base, sources: { sts: { state: "stale", reason: "Throttling" } } })).not.toEqual([]);
    expect(contractProblems({ ...base, sources: { vault: { state: "none", reason: "x" } } })).not.toEqual([]);
  });
});
