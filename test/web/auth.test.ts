import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BasicAuthCache, basicCredentials } from "../../src/web/auth.js";
import { hashOf } from "../support/certs.js";

const header = (text: string) => `Basic ${Buffer.from(text).toString("base64")}`;
const users = new Map([["prometheus", hashOf("right")]]);

afterEach(() => vi.restoreAllMocks());

describe("basic auth against bcrypt hashes", () => {
  it.each([
    [header("prometheus:right"), { user: "prometheus", password: "right" }],
    [header("prometheus:with:colons"), { user: "prometheus", password: "with:colons" }],
    [`basic  ${Buffer.from("a:b").toString("base64")}`, { user: "a", password: "b" }],
    [header("no-colon"), null],
    ["Bearer abc", null],
    [undefined, null],
  ])("reads the Authorization header %s", (value, expected) => {
    expect(basicCredentials(value)).toEqual(expected);
  });

  it("admits the right password only, and a known password under an unknown user name never", async () => {
    const cache = new BasicAuthCache();
    expect(await cache.check(users, { user: "prometheus", password: "right" })).toBe(true);
    expect(await cache.check(users, { user: "prometheus", password: "wrong" })).toBe(false);
    expect(await cache.check(users, { user: "other", password: "right" })).toBe(false);
    expect(await cache.check(users, null)).toBe(false);
  });

  it("compares with bcrypt once per user, hash and password, and for an unknown user too (a decoy), so that both take as long", async () => {
    const compare = vi.spyOn(bcrypt, "compare");
    const cache = new BasicAuthCache();
    for (let i = 0; i < 3; i++) expect(await cache.check(users, { user: "prometheus", password: "right" })).toBe(true);
    expect(compare).toHaveBeenCalledTimes(1);
    await cache.check(users, { user: "nobody", password: "x" });
    expect(compare).toHaveBeenCalledTimes(2);
    expect(compare.mock.calls[1]?.[1]).toMatch(/^\$2[aby]\$10\$/);
    // A new hash for the same user (the file changed) is compared again: the old result is not reused.
    const changed = new Map([["prometheus", hashOf("next")]]);
    expect(await cache.check(changed, { user: "prometheus", password: "right" })).toBe(false);
    expect(compare).toHaveBeenCalledTimes(3);
  });

  it("holds at most 100 results", async () => {
    vi.spyOn(bcrypt, "compare").mockImplementation(() => Promise.resolve(false));
    const cache = new BasicAuthCache(() => 0.5);
    for (let i = 0; i < 250; i++) await cache.check(users, { user: "prometheus", password: `guess-${i}` });
    // Full at 100, it drops a tenth at once, so that it does not evict on every request.
    const sizes: number[] = [];
    for (let i = 0; i < 250; i++) {
      await cache.check(users, { user: "prometheus", password: `more-${i}` });
      sizes.push(cache.size);
    }
    expect(Math.max(...sizes)).toBe(100);
    expect(Math.min(...sizes)).toBe(91);
  });
});
