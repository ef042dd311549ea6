import { afterEach, describe, expect, it } from "vitest";
import { IAM_NS, queryErrorXml } from "../support/aws-bodies.js";
import { MIN, ok, startHarness, type Harness } from "../support/aws-harness.js";

/** A small seeded PRNG (mulberry32), so the jittered run is the same every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POLL = 15_000;
const THROTTLE = 10 * MIN;
let h: Harness;
afterEach(() => h.close());

describe("IAM throttled for 10 minutes of clock time, the agent polling every 15 s", () => {
  const draws: [string, () => number, number | undefined][] = [
    ["every draw at the floor (the worst case)", () => 0, 10],
    ["a seeded jitter", seeded(20261129), undefined],
    ["every draw at the top of the window", () => 0.999, undefined],
  ];
  it.each(draws)("costs at most 10 IAM calls (one a minute at worst), keeps up=0, and recovers by itself: %s", async (_what, random, exactly) => {
    h = await startHarness({ random });
    const start = h.clock.now();
    const throttledUntil = start + THROTTLE;
    h.answers.iam = () => (h.clock.now() < throttledUntil
      ? { status: 400, body: queryErrorXml("Throttling", "Rate exceeded", IAM_NS) }
      : ok.iam());
    const calls: number[] = [];
    const count = () => h.fake.calls("iam").length;
    while (h.clock.now() < throttledUntil) {
      const before = count();
      await h.observe();
      if (count() > before) calls.push(h.clock.now() - start);
      expect(await h.value("rolewatch_control_plane_up", { api: "iam" })).toBe(0);
      h.clock.advance(POLL);
    }
    expect(calls.length).toBeLessThanOrEqual(10);
    if (exactly !== undefined) expect(calls).toHaveLength(exactly);
    calls.slice(1).forEach((t, i) => expect(t - (calls[i] ?? 0)).toBeGreaterThanOrEqual(MIN));

    // After the throttle: the backoff in force ends within its cap (15 min) and the next call succeeds.
    let polls = 0;
    while ((await h.value("rolewatch_control_plane_up", { api: "iam" })) === 0) {
      expect(polls++).toBeLessThanOrEqual((15 * MIN) / POLL);
      await h.observe();
      h.clock.advance(POLL);
    }
    expect(h.actions()).toEqual(["control-plane-unavailable", "control-plane-recovered"]);
    expect(await h.value("rolewatch_control_plane_requests_total", { api: "iam", outcome: "throttled" })).toBe(calls.length);
  });
});
