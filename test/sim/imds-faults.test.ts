import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { until } from "../support/daemon.js";
import { control, putToken, raw, read, startOnManualClock } from "../support/sim-http.js";

const CREDS = "/latest/meta-data/iam/security-credentials/RedRole";
let sim: Simulator;

beforeEach(async () => {
  ({ sim } = await startOnManualClock());
});
afterEach(() => sim.close());

describe("IMDS faults", () => {
  it.each([500, 502, 503, 429] as const)("answers %i for `count` responses, then clears itself", async (status) => {
    sim.setFault({ kind: "status", status, count: 2 });
    const first = await raw(sim.imdsUrl, "/latest/api/token", { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60" } });
    const second = await raw(sim.imdsUrl, "/latest/meta-data/instance-id");
    expect([first.status, second.status]).toEqual([status, status]);
    expect(second.headers["content-type"]).toBe("text/html");
    expect(second.text).toContain(`<title>${status} - `);
    expect((await read(sim, "/latest/meta-data/instance-id")).status).toBe(200);
    expect(sim.faults()).toEqual([]);
  });

  it("affects only paths that start with the fault's path", async () => {
    sim.setFault({ kind: "status", status: 503, path: "/latest/meta-data/iam/" });
    expect((await read(sim, "/latest/meta-data/instance-id")).status).toBe(200);
    expect((await read(sim, CREDS)).status).toBe(503);
    expect((await read(sim, "//latest/meta-data/iam/info")).status).toBe(503);
    expect(sim.faults()).toEqual([{ kind: "status", status: 503, path: "/latest/meta-data/iam/" }]);
  });

  it("replaces a fault of the same kind and path, and clearFaults() removes all", async () => {
    sim.setFault({ kind: "status", status: 503 });
    sim.setFault({ kind: "status", status: 429 });
    sim.setFault({ kind: "reset", path: "/nowhere" });
    expect(sim.faults()).toHaveLength(2);
    expect((await raw(sim.imdsUrl, "/")).status).toBe(429);
    sim.clearFaults();
    expect((await read(sim, "/latest/meta-data/instance-id")).status).toBe(200);
  });

  it("delays answers by real milliseconds, enough for a client's socket timeout", async () => {
    sim.setFault({ kind: "delay", ms: 300, path: "/latest/meta-data/" });
    const token = await putToken(sim);
    const headers = { "X-aws-ec2-metadata-token": token };
    await expect(raw(sim.imdsUrl, CREDS, { headers, timeout: 100 })).rejects.toThrow("timeout");
    const started = performance.now();
    const res = await raw(sim.imdsUrl, CREDS, { headers });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("truncates JSON documents only, leaving the count for them", async () => {
    sim.setFault({ kind: "malformed", count: 1 });
    expect((await read(sim, "/latest/meta-data/instance-id")).text).toBe(sim.instanceId);
    const res = await read(sim, CREDS);
    expect(res.status).toBe(200);
    expect(() => JSON.parse(res.text) as unknown).toThrow();
    expect(JSON.parse((await read(sim, CREDS)).text)).toHaveProperty("AccessKeyId");
  });

  it("serves bodies of exactly the oversized byte count", async () => {
    sim.setFault({ kind: "oversized", bytes: 200_000, path: CREDS });
    const res = await read(sim, CREDS);
    expect(res.body.length).toBe(200_000);
    expect(res.headers["content-length"]).toBe("200000");
    expect(JSON.parse(res.text)).toHaveProperty("AccessKeyId");
  });

  it("resets the connection without an answer", async () => {
    sim.setFault({ kind: "reset", count: 1 });
    await expect(raw(sim.imdsUrl, "/latest/api/token", { method: "PUT" })).rejects.toThrow(/ECONNRESET|socket hang up/);
    expect(sim.stats().faulted).toBe(1);
    expect(await putToken(sim)).toHaveLength(56);
  });

  it("answers every request 403 when the endpoint is disabled", async () => {
    sim.setFault({ kind: "disabled" });
    expect((await raw(sim.imdsUrl, "/latest/api/token", { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60" } })).status).toBe(403);
    expect((await raw(sim.imdsUrl, "/latest/meta-data/")).status).toBe(403);
    sim.clearFaults();
    expect((await read(sim, "/latest/meta-data/instance-id")).status).toBe(200);
  });

  it("never applies to the control path", async () => {
    sim.setFault({ kind: "disabled" });
    sim.setFault({ kind: "reset" });
    const res = await control(sim, "GET", "stats");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ requests: 0 });
  });

  it("closes promptly while an answer is delayed, resetting that connection", async () => {
    sim.setFault({ kind: "delay", ms: 30_000 });
    const pending = raw(sim.imdsUrl, "/latest/meta-data/instance-id");
    const outcome = pending.then(() => "answered", (error: Error) => error.message);
    await until(() => sim.stats().faulted === 1, 5_000, "the delayed request reached the simulator");
    const started = performance.now();
    await sim.close();
    expect(performance.now() - started).toBeLessThan(5_000); // not the 30 s of the delay
    expect(await outcome).toMatch(/ECONNRESET|socket hang up/);
  });
});
