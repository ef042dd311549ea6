import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { startSimulator } from "../../src/sim/index.js";
import { until } from "../support/daemon.js";
import { control, raw, read } from "../support/sim-http.js";

/** Open TCP handles of this process (the socket-leak check of smithy's ec2-metadata-service tests). */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;
}

/** Sockets close a moment after close() resolves; wait for that moment, up to a bound a busy machine meets. */
async function expectHandlesBackTo(before: number): Promise<void> {
  await until(() => tcpHandles() <= before, 5_000, "every socket closed").catch(() => undefined);
  expect(tcpHandles()).toBe(before);
}

describe("simulator lifecycle", () => {
  it("leaves no socket or server open after close(), whatever it answered", async () => {
    const before = tcpHandles();
    const sim = await startSimulator({ clock: new ManualClock() });
    await read(sim, "/latest/meta-data/instance-id");
    await read(sim, "/latest/meta-data/missing");
    await raw(sim.imdsUrl, "/latest/meta-data/");
    await control(sim, "GET", "stats");
    // A client that keeps its connection open and idle: close() must not wait for it.
    const idle = connect(Number(new URL(sim.imdsUrl).port), "127.0.0.1");
    await new Promise((resolve, reject) => idle.once("connect", resolve).once("error", reject));
    sim.setFault({ kind: "reset", count: 1 });
    await raw(sim.imdsUrl, "/").catch(() => undefined);
    sim.setFault({ kind: "delay", ms: 60_000 });
    const pending = raw(sim.imdsUrl, "/").catch(() => undefined);
    await until(() => sim.stats().faulted === 2, 5_000, "the delayed request reached the simulator");
    await sim.close();
    await pending;
    idle.destroy();
    await expectHandlesBackTo(before);
  });

  it("refuses a port already in use", async () => {
    const sim = await startSimulator({ clock: new ManualClock() });
    try {
      const port = Number(new URL(sim.imdsUrl).port);
      await expect(startSimulator({ clock: new ManualClock(), imdsPort: port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await sim.close();
    }
  });

  it("serves the instance it is told to, and refuses one the scenario lacks", async () => {
    await expect(startSimulator({ clock: new ManualClock(), instanceId: "i-00000000000000000" })).rejects.toThrow(/no instance i-00000000000000000/);
  });
});
