import { afterEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/clock.js";
import type { Simulator, SimulatorOptions } from "../../src/sim/index.js";
import { putToken, raw, read, startOnManualClock } from "../support/sim-http.js";

const TOKEN = "X-aws-ec2-metadata-token";
let sim: Simulator;
let clock: ManualClock;

async function start(options: SimulatorOptions = {}): Promise<void> {
  ({ sim, clock } = await startOnManualClock(options));
}
afterEach(() => sim.close());

describe("IMDSv2 reads: tokens (docs/wire.md, IMDS reads and IMDS status codes)", () => {
  it("answers a read without a token 401 with an empty text/plain body", async () => {
    await start();
    const res = await raw(sim.imdsUrl, "/latest/meta-data/instance-id");
    expect(res.status).toBe(401);
    expect(res.headers).toMatchObject({ "content-length": "0", "content-type": "text/plain", server: "EC2ws" });
    expect(res.body.length).toBe(0);
  });

  it("answers a read with an unknown token 401", async () => {
    await start();
    const res = await raw(sim.imdsUrl, "/latest/meta-data/instance-id", { headers: { [TOKEN]: "AQAEAnot-a-token==" } });
    expect(res.status).toBe(401);
    expect(sim.stats().rejected).toBe(1);
  });

  it("accepts a token until its TTL has passed on the simulator's clock, then answers 401", async () => {
    await start();
    const token = await putToken(sim, "60");
    clock.advance(59_999);
    expect((await raw(sim.imdsUrl, "/latest/meta-data/instance-id", { headers: { [TOKEN]: token } })).status).toBe(200);
    clock.advance(1);
    expect((await raw(sim.imdsUrl, "/latest/meta-data/instance-id", { headers: { [TOKEN]: token } })).status).toBe(401);
  });

  it("sends the remaining token lifetime in whole seconds, decreasing with the clock", async () => {
    await start();
    const token = await putToken(sim);
    const remaining = async () => (await raw(sim.imdsUrl, "/latest/meta-data/", { headers: { [TOKEN]: token } })).headers["x-aws-ec2-metadata-token-ttl-seconds"];
    expect(await remaining()).toBe("21600");
    clock.advance(100_000);
    expect(await remaining()).toBe("21500");
    clock.advance(21_499_500);
    expect(await remaining()).toBe("1");
  });

  it("rejects every issued token after revokeTokens(), and accepts a new one", async () => {
    await start();
    const old = await putToken(sim);
    sim.revokeTokens();
    expect((await raw(sim.imdsUrl, "/latest/meta-data/instance-id", { headers: { [TOKEN]: old } })).status).toBe(401);
    expect((await read(sim, "/latest/meta-data/instance-id")).status).toBe(200);
  });

  it("refuses a read with a token and X-Forwarded-For with 403", async () => {
    await start();
    const token = await putToken(sim);
    const res = await raw(sim.imdsUrl, "/latest/meta-data/instance-id", { headers: { [TOKEN]: token, "X-Forwarded-For": "10.0.0.1" } });
    expect(res.status).toBe(403);
  });

  it.each(["POST", "PUT", "DELETE"])("answers %s on a metadata path 405", async (method) => {
    await start();
    expect((await read(sim, "/latest/meta-data/instance-id", method)).status).toBe(405);
  });

  it("answers HEAD with the GET headers and no body", async () => {
    await start();
    const res = await read(sim, "/latest/meta-data/instance-id", "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(sim.instanceId.length));
    expect(res.body.length).toBe(0);
  });

  it("serves distinct IMDSv1 credentials to token-less reads when tokens are optional", async () => {
    await start({ httpTokens: "optional" });
    const path = "/latest/meta-data/iam/security-credentials/RedRole";
    const v1 = await raw(sim.imdsUrl, path);
    const v2 = await read(sim, path);
    expect(v1.status).toBe(200);
    expect(v1.headers["x-aws-ec2-metadata-token-ttl-seconds"]).toBeUndefined();
    const [k1, k2] = [v1, v2].map((r) => (JSON.parse(r.text) as { AccessKeyId: string }).AccessKeyId);
    expect(k1).toMatch(/^ASIA/);
    expect(k1).not.toBe(k2);
    expect(sim.world.sessions.get(k1 ?? "")?.roleDelivery).toBe("1.0");
    expect(sim.world.sessions.get(k2 ?? "")?.roleDelivery).toBe("2.0");
  });

  it("answers an invalid token 401 even when tokens are optional", async () => {
    await start({ httpTokens: "optional" });
    expect((await raw(sim.imdsUrl, "/latest/meta-data/instance-id", { headers: { [TOKEN]: "bogus" } })).status).toBe(401);
  });
});
