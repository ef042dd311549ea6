import { describe, expect, it } from "vitest";
import { foldClock, initialClock, type ClockHealth } from "../../src/drift/clock.js";
import type { AwsSeen, CallSeen } from "../../src/drift/input.js";

const T0 = Date.parse("2026-11-29T08:00:00Z");
const expired: CallSeen["outcome"] = { kind: "clock-skew", code: "SignatureDoesNotMatch", status: 403, message: "Signature expired: …" };
const timeout: CallSeen["outcome"] = { kind: "retryable", code: "TimeoutError", message: "" };

function seen(over: Partial<AwsSeen>): AwsSeen {
  return { sts: { state: "never" }, profile: { state: "never" }, association: "disabled", calls: [], ...over };
}

const dated = (skewSeconds: number, service: "sts" | "iam" | "ec2" = "iam") => ({ service, serverMs: T0 + skewSeconds * 1000, receivedAt: T0 });

describe("the host clock's health (src/drift/clock.ts)", () => {
  it.each([
    [60, null],
    [-60, null],
    [61, "the host clock is 61 s behind IAM's (the Date of its last answer)"],
    [-600, "the host clock is 600 s ahead of IAM's (the Date of its last answer)"],
  ])("a Date %i s from the host's clock: %s", (skew, reason) => {
    expect(foldClock(initialClock, seen({ dated: dated(skew) })).clock).toEqual({ skew: { seconds: skew, service: "iam", at: T0 }, refused: {}, reason });
  });

  it("counts a request refused for its time until that API answers it, not a failure without an answer", () => {
    let clock: ClockHealth = initialClock;
    const events: string[] = [];
    const polls: CallSeen[][] = [
      [{ api: "sts", at: T0, outcome: expired }],
      [{ api: "iam", at: T0 + 1, outcome: "ok" }],
      [{ api: "sts", at: T0 + 2, outcome: timeout }],
      [{ api: "sts", at: T0 + 3, outcome: "ok" }],
    ];
    const reasons = polls.map((calls) => {
      const folded = foldClock(clock, seen({ calls, dated: dated(0) }));
      clock = folded.clock;
      events.push(...folded.events.map((e) => e.action));
      return clock.reason;
    });
    expect(reasons).toEqual(["STS refused a request for its time (SignatureDoesNotMatch)", "STS refused a request for its time (SignatureDoesNotMatch)", "STS refused a request for its time (SignatureDoesNotMatch)", null]);
    expect(events).toEqual(["clock-skewed", "clock-recovered"]);
  });

  it("keeps the last Date while no answer carries one", () => {
    const first = foldClock(initialClock, seen({ dated: dated(600) })).clock;
    expect(foldClock(first, seen({})).clock.skew?.seconds).toBe(600);
    expect(foldClock(first, null)).toEqual({ clock: first, events: [] });
  });
});
