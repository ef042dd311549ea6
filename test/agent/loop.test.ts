import { afterEach, describe, expect, it, vi } from "vitest";
import type { Agent } from "../../src/agent/agent.js";
import { PollLoop } from "../../src/agent/loop.js";
import { systemClock } from "../../src/clock.js";
import { createEvents } from "../../src/observe/events.js";

afterEach(() => vi.restoreAllMocks());

describe("the poll loop's schedule", () => {
  it("reports a tick skipped while a poll still runs as a JSON event, and writes nothing of its own to the console", async () => {
    const consoleLines: unknown[] = [];
    for (const method of ["warn", "error", "info", "debug", "log"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(args));
    }
    const lines: string[] = [];
    const events = createEvents({ clock: systemClock, version: "test", destination: { write: (s: string) => void lines.push(s) } });
    // Each poll takes 2.5 s, so a schedule of every second meets a poll still running.
    const agent = { poll: () => new Promise((resolve) => setTimeout(resolve, 2_500)) } as unknown as Agent;
    const loop = new PollLoop(agent, events);
    await loop.start("* * * * * *");
    const seen = () => lines.map((l) => JSON.parse(l) as { event: { action?: string }; message: string }).filter((e) => e.event.action === "schedule-warning");
    const deadline = Date.now() + 15_000;
    while (seen().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await loop.stop();
    expect(seen()[0]?.message).toMatch(/^poll schedule: /);
    expect(consoleLines).toEqual([]);
  }, 30_000);
});
