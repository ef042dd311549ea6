import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { control, putToken, raw, read, startOnManualClock } from "../support/sim-http.js";

let sim: Simulator;

beforeEach(async () => {
  ({ sim } = await startOnManualClock());
});
afterEach(() => sim.close());

const json = (res: { text: string }) => JSON.parse(res.text) as Record<string, unknown>;
const accessKeyId = async (role = "RedRole") => (json(await read(sim, `/latest/meta-data/iam/security-credentials/${role}`)) as { AccessKeyId: string }).AccessKeyId;

describe("the control path /rolewatch-sim/ (driving a standalone simulator with curl)", () => {
  it("switches a fault on with PUT faults and off with DELETE faults", async () => {
    const on = await control(sim, "PUT", "faults", { kind: "status", status: 503, path: "/latest/meta-data/" });
    expect(on.status).toBe(200);
    expect(json(on).faults).toEqual([{ kind: "status", status: 503, path: "/latest/meta-data/" }]);
    expect((await read(sim, "/latest/meta-data/instance-id")).status).toBe(503);
    expect(json(await control(sim, "GET", "faults")).faults).toHaveLength(1);
    expect((await control(sim, "DELETE", "faults")).status).toBe(200);
    expect((await read(sim, "/latest/meta-data/instance-id")).status).toBe(200);
  });

  it.each([
    ["not JSON", "{kind: status", /body is not JSON/],
    ["no body", undefined, /fault: must be an object/],
    ["an unknown kind", { kind: "explode" }, /fault.kind: must be one of status, delay/],
    ["a status real IMDS faults never show", { kind: "status", status: 404 }, /fault.status: must be one of 500, 502, 503, 429/],
    ["a zero count", { kind: "reset", count: 0 }, /fault.count: must be an integer from 1/],
    ["a delay without ms", { kind: "delay" }, /fault.ms: is required for kind delay/],
    ["a relative path", { kind: "malformed", path: "latest" }, /fault.path: must be a path starting with \//],
    ["a key of another kind", { kind: "reset", bytes: 10 }, /fault.bytes: unknown key/],
  ])("answers 400 with a JSON error for %s", async (_what, body, message) => {
    const res = await control(sim, "PUT", "faults", body);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(json(res).error).toMatch(message);
    expect(sim.faults()).toEqual([]);
  });

  it("rotates on POST rotate, answering the new AccessKeyId that IMDS then serves", async () => {
    const before = await accessKeyId();
    const res = await control(sim, "POST", "rotate");
    expect(res.status).toBe(200);
    const after = json(res).accessKeyId;
    expect(after).not.toBe(before);
    expect(await accessKeyId()).toBe(after);
    expect(res.text).not.toContain(sim.served()?.issue.v2.secretAccessKey ?? "no secret");
  });

  it("answers 409 to POST rotate when no role is delivered", async () => {
    sim.deliver(null);
    expect((await control(sim, "POST", "rotate")).status).toBe(409);
  });

  it("revokes every token on POST revoke-tokens", async () => {
    const token = await putToken(sim);
    expect(json(await control(sim, "POST", "revoke-tokens"))).toEqual({ revoked: 1 });
    expect((await raw(sim.imdsUrl, "/latest/meta-data/instance-id", { headers: { "X-aws-ec2-metadata-token": token } })).status).toBe(401);
  });

  it("delivers another role, or none, on POST deliver", async () => {
    const blue = await control(sim, "POST", "deliver", { role: "BlueRole" });
    expect(json(blue)).toMatchObject({ role: "BlueRole", roleId: sim.world.roles.get("BlueRole")?.roleId });
    expect((await read(sim, "/latest/meta-data/iam/security-credentials/")).text).toBe("BlueRole");
    expect(await accessKeyId("BlueRole")).toBe(json(blue).accessKeyId);
    expect(json(await control(sim, "POST", "deliver", { role: null }))).toEqual({ role: null });
    expect((await read(sim, "/latest/meta-data/iam/security-credentials/")).status).toBe(404);
  });

  it.each([
    ["an unknown role", { role: "GreenRole" }, /no role named "GreenRole" \(roles: RedRole, BlueRole\)/],
    ["no role key", {}, /body must be \{"role"/],
    ["a role that is not a string", { role: 7 }, /body must be \{"role"/],
  ])("answers 400 to POST deliver with %s", async (_what, body, message) => {
    const res = await control(sim, "POST", "deliver", body);
    expect(res.status).toBe(400);
    expect(json(res).error).toMatch(message);
  });

  it("freezes the delivery on POST freeze", async () => {
    const res = await control(sim, "POST", "freeze");
    expect(json(res)).toMatchObject({ role: "RedRole", expiration: "2026-11-29T14:00:00Z" });
    expect(sim.world.instance(sim.instanceId).delivery?.chain.frozen).toBe(true);
  });

  it("reports IMDS counters on GET stats", async () => {
    await read(sim, "/latest/meta-data/instance-id");
    await raw(sim.imdsUrl, "/latest/meta-data/instance-id");
    expect(json(await control(sim, "GET", "stats"))).toMatchObject({
      requests: 3,
      tokenPuts: 1,
      tokensIssued: 1,
      activeTokens: 1,
      reads: { "/latest/meta-data/instance-id": 2 },
      rejected: 1,
      statuses: { "200": 2, "401": 1 },
    });
  });

  it("answers an unknown control path 404 listing the paths, and a wrong method 405 with Allow", async () => {
    const missing = await control(sim, "GET", "nope");
    expect(missing.status).toBe(404);
    expect(json(missing).paths).toContain("/rolewatch-sim/faults");
    expect((await control(sim, "GET", "constructor")).status).toBe(404);
    const wrong = await control(sim, "GET", "rotate");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
  });

  it("refuses a control body over 64 KiB", async () => {
    const res = await control(sim, "PUT", "faults", JSON.stringify({ kind: "reset", pad: "x".repeat(70_000) }));
    expect(res.status).toBe(400);
    expect(json(res).error).toMatch(/larger than 65536 bytes/);
  });
});
