import { afterEach, describe, expect, it, vi } from "vitest";
import type { Agent } from "../../src/agent/agent.js";
import { PollLoop } from "../../src/agent/loop.js";
import { ManualClock } from "../../src/clock.js";
import { createEvents } from "../../src/observe/events.js";

afterEach(() => vi.restoreAllMocks());

const T0 = Date.parse("2026-11-29T08:00:03Z");
const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** A loop over an agent whose every poll records the time and takes `pollMs` of clock time. */
function setUp(pollMs = 0) {
  const clock = new ManualClock(T0);
  const lines: string[] = [];
  const events = createEvents({ clock, version: "test", destination: { write: (s: string) => void lines.push(s) } });
  const polls: string[] = [];
  const agent = {
    poll: async () => {
      polls.push(iso(clock.now()));
      if (pollMs > 0) clock.advance(pollMs);
    },
  } as unknown as Agent;
  const warnings = () => lines.map((l) => JSON.parse(l) as { event: { action?: string }; message: string }).filter((e) => e.event.action === "schedule-warning");
  return { clock, loop: new PollLoop(agent, events, clock), polls, warnings };
}

/** Moves the clock in 1 s steps, letting the loop run at each. */
async function run(clock: ManualClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000);
    for (let j = 0; j < 5; j++) await Promise.resolve();
  }
}

describe("the poll loop's schedule", () => {
  it("polls at start, then at every multiple of the interval: the same clock seconds every minute", async () => {
    const { clock, loop, polls, warnings } = setUp();
    await loop.start(15_000);
    await run(clock, 60);
    await loop.stop();
    expect(polls).toEqual(["08:00:03", "08:00:15", "08:00:30", "08:00:45", "08:01:00"]);
    expect(warnings()).toEqual([]);
  });

  it("skips a poll time that passes while a poll still runs, says so as a JSON event, and writes nothing to the console", async () => {
    const consoleLines: unknown[] = [];
    for (const method of ["warn", "error", "info", "debug", "log"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args));
    }
    const { clock, loop, polls, warnings } = setUp(20_000);
    await loop.start(15_000);
    await run(clock, 40);
    await loop.stop();
    // The first poll runs to 08:00:23, so the schedule starts at 08:00:30; that poll runs to 08:00:50, past 08:00:45.
    expect(polls.slice(0, 3)).toEqual(["08:00:03", "08:00:30", "08:01:00"]);
    expect(warnings()[0]?.message).toBe("poll schedule: 1 poll time skipped: the poll of 2026-11-29T08:00:30Z ran until 2026-11-29T08:00:50Z");
    expect(consoleLines).toEqual([]);
  });

  it("stops between polls at once, and polls no more", async () => {
    const { clock, loop, polls } = setUp();
    await loop.start(15_000);
    await run(clock, 14);
    await loop.stop();
    await run(clock, 60);
    expect(polls).toEqual(["08:00:03", "08:00:15"]);
  });
});
