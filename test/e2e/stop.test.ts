import { describe, expect, it } from "vitest";
import { STOP_DEADLINE_MS } from "../../src/cli/run.js";
import { eventsOf } from "../support/cli.js";
import { scrape, startWatched, until } from "../support/daemon.js";

describe("rolewatch run, told to stop", () => {
  it("on SIGHUP stops cleanly with agent-stopping and exit 0, for systemd to start it again", async () => {
    const w = await startWatched();
    try {
      await until(async () => (await scrape(w.url, "/readyz")).status === 200, 30_000, "ready");
      expect(await w.agent.stop("SIGHUP")).toBe(0);
      expect(eventsOf(w.agent, "agent-stopping")).toMatchObject([{ rolewatch: { signal: "SIGHUP" } }]);
    } finally {
      await w.sim.close();
    }
  });

  it("on SIGTERM during a poll that IMDS holds for 30 s, exits within its stop deadline, not after the poll", async () => {
    const w = await startWatched(["--imds-timeout", "30s"]);
    try {
      await until(async () => (await scrape(w.url, "/readyz")).status === 200, 30_000, "ready");
      w.sim.setFault({ kind: "delay", ms: 60_000 });
      const served = w.sim.stats().faulted;
      await until(() => w.sim.stats().faulted > served, 15_000, "a poll held by IMDS");
      const asked = Date.now();
      expect(await w.agent.stop("SIGTERM")).toBe(0);
      const took = Date.now() - asked;
      expect(took).toBeGreaterThanOrEqual(STOP_DEADLINE_MS - 1_000); // it did wait for the poll, up to the deadline
      expect(took).toBeLessThan(STOP_DEADLINE_MS + 8_000); // and no longer: the unit's TimeoutStopSec is twice the deadline
      expect(eventsOf(w.agent, "agent-stopping")).toHaveLength(1);
    } finally {
      await w.sim.close();
    }
  }, 90_000);
});
