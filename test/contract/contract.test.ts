import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contractProblems } from "../support/contract.js";

const SHARED = new URL("../../../shared/contract/check-output.schema.json", import.meta.url);

describe("the check-output contract", () => {
  it("is the product contract, copied without change", (ctx) => {
    if (!existsSync(SHARED)) return ctx.skip("the shared contract is not beside this checkout");
    expect(readFileSync(new URL("check-output.schema.json", import.meta.url), "utf8")).toBe(readFileSync(SHARED, "utf8"));
  });

  it("rejects an object that breaks it, so a passing validation means something", () => {
    expect(contractProblems({ status: "fine", drifts: [] })).not.toEqual([]);
  });
});
