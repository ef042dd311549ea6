import { describe, expect, it } from "vitest";
import {
  afterCall, backoffDelay, dueAt, instancePhase, isDue, neverCalled, nextRegular, type Cadence, type Track,
} from "../../src/aws/schedule.js";

const S = 1000;
const MIN = 60 * S;
const backoff = { baseMs: MIN, capMs: 15 * MIN };
const plain: Cadence = { intervalMs: 5 * MIN, phaseMs: null, backoff };
const slotted: Cadence = { intervalMs: 5 * MIN, phaseMs: 42 * S, backoff };
const fixed = (r: number) => () => r;

describe("the backoff: full jitter above a one-step floor", () => {
  it.each([
    [1, 0, 60 * S],
    [1, 0.5, 90 * S],
    [1, 1, 120 * S],
    [2, 1, 240 * S],
    [3, 1, 480 * S],
    [4, 1, 900 * S], // 960 s capped at 15 min
    [4, 0.5, 480 * S],
    [30, 1, 900 * S],
    [30, 0, 60 * S], // never below the floor, however many failures
    [1000, 1, 900 * S], // 2^1000 overflows to Infinity: still the cap
  ])("after %i failure(s) with random() = %d the wait is %i ms", (failures, r, wait) => {
    expect(backoffDelay(failures, backoff, fixed(r))).toBe(wait);
  });

  it("is never shorter than the base, whatever the cap", () => {
    expect(backoffDelay(3, { baseMs: MIN, capMs: 10 * S }, fixed(0.7))).toBe(MIN);
  });
});

describe("the track after a call", () => {
  it("a success forgets the failures and any backoff", () => {
    expect(afterCall({ lastAttempt: 0, failures: 4, retryAt: 900 * S }, false, 1000 * S, plain, fixed(0.5))).toEqual({ lastAttempt: 1000 * S, failures: 0, retryAt: null });
  });

  it("each failure in a row widens the window it draws from", () => {
    let track: Track = neverCalled;
    const waits: number[] = [];
    for (let at = 0; waits.length < 5; ) {
      track = afterCall(track, true, at, plain, fixed(1));
      waits.push((track.retryAt ?? 0) - at);
      at = track.retryAt ?? 0;
    }
    expect(waits).toEqual([120 * S, 240 * S, 480 * S, 900 * S, 900 * S]);
    expect(track.failures).toBe(5);
  });
});

describe("the regular time of the next call", () => {
  it("without a phase: one interval after the last call", () => {
    expect(nextRegular(123 * S, plain)).toBe(123 * S + 5 * MIN);
  });

  it.each([
    [0, 42 * S, "from an off-slot start: the next slot"],
    [42 * S, 342 * S, "on the slot: exactly one interval later"],
    [342 * S, 642 * S, "on the slot again: one interval later"],
    [200 * S, 342 * S, "after 200 s: the 342 s slot"],
    [341 * S, 342 * S, "just before a slot: that slot, one extra call"],
  ])("with a phase, after a call at %i ms: %i ms (%s)", (last, next) => {
    expect(nextRegular(last, slotted)).toBe(next);
  });

  it("is never more than one interval away, so a change is seen within one interval", () => {
    for (let last = 0; last < 10 * MIN; last += 7 * S) {
      const gap = nextRegular(last, slotted) - last;
      expect(gap).toBeGreaterThan(0);
      expect(gap).toBeLessThanOrEqual(5 * MIN);
      expect((nextRegular(last, slotted) - 42 * S) % (5 * MIN)).toBe(0);
    }
  });
});

describe("is a call due?", () => {
  const ok: Track = { lastAttempt: 1000 * S, failures: 0, retryAt: null };
  const backingOff: Track = { lastAttempt: 1000 * S, failures: 2, retryAt: 1200 * S };
  const table: [string, Track, number, boolean, boolean][] = [
    ["never called: due at start", neverCalled, 0, false, true],
    ["after a success, before the interval: not due", ok, 1000 * S + 5 * MIN - 1, false, false],
    ["after a success, at the interval: due", ok, 1000 * S + 5 * MIN, false, true],
    ["after a success, a change: due at once (a change bypasses the interval)", ok, 1001 * S, true, true],
    ["backing off, before retryAt: not due", backingOff, 1199 * S, false, false],
    ["backing off, a change: still not due (a change does not bypass a backoff)", backingOff, 1199 * S, true, false],
    ["backing off, at retryAt: due", backingOff, 1200 * S, false, true],
    ["backing off, past the regular interval but before retryAt: not due", { ...backingOff, retryAt: 2000 * S }, 1000 * S + 6 * MIN, false, false],
  ];
  it.each(table)("%s", (_what, track, now, changed, due) => {
    expect(isDue(track, plain, now, changed)).toBe(due);
  });

  it("says when", () => {
    expect(dueAt(neverCalled, plain, false)).toBe(-Infinity);
    expect(dueAt(ok, plain, false)).toBe(1000 * S + 5 * MIN);
    expect(dueAt(ok, plain, true)).toBe(1000 * S);
    expect(dueAt(backingOff, plain, true)).toBe(1200 * S);
  });
});

describe("the instance's phase", () => {
  it("is the same on every restart and within the interval", () => {
    const phase = instancePhase("i-0123456789abcdef0", 5 * MIN);
    expect(instancePhase("i-0123456789abcdef0", 5 * MIN)).toBe(phase);
    expect(phase).toBeGreaterThanOrEqual(0);
    expect(phase).toBeLessThan(5 * MIN);
  });

  it("spreads a fleet of 2000 instances evenly over the interval (every tenth holds 150 to 250)", () => {
    const buckets = new Array<number>(10).fill(0);
    for (let n = 0; n < 2000; n++) {
      const id = `i-${(0x0a000000000000000n + BigInt(n) * 7919n).toString(16).slice(0, 17)}`;
      const bucket = Math.floor(instancePhase(id, 5 * MIN) / (30 * S));
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) {
      expect(count).toBeGreaterThanOrEqual(150);
      expect(count).toBeLessThanOrEqual(250);
    }
  });
});
