import { afterEach, describe, expect, it } from "vitest";
import { buildAgent } from "../../src/agent/wire.js";
import { loadConfig } from "../../src/config.js";
import { createEvents } from "../../src/observe/events.js";
import { createMetrics } from "../../src/observe/metrics.js";
import type { Simulator } from "../../src/sim/index.js";
import { sample } from "../support/daemon.js";
import { startOnManualClock } from "../support/sim-http.js";

describe("the agent's IMDSv2 session token", () => {
  let sim: Simulator | undefined;
  afterEach(() => sim?.close());

  it("is fetched once over 1,000 polls at the default TTL and interval, and the metric says 1", async () => {
    const started = await startOnManualClock();
    sim = started.sim;
    const { clock } = started;
    const { config } = loadConfig({ argv: ["--imds-endpoint", sim.imdsUrl], env: {}, readFile: () => null });
    const metrics = createMetrics({ version: "test" });
    const agent = buildAgent(config, { clock, env: {}, publish: { metrics, events: createEvents({ clock, level: "silent", version: "test" }), persist: false } });
    for (let poll = 0; poll < 1_000; poll++) {
      const report = await agent.poll();
      expect(report.imds.reachable).toBe(true);
      clock.advance(config.poll.intervalMs); // 1,000 x 15 s = 4 h 10 min, inside one 6 h token
    }
    expect(sim.stats().tokenPuts).toBe(1);
    expect(sample(await metrics.text(), "rolewatch_imds_token_fetches_total")).toBe(1);
  });
});
