import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { raw, startOnManualClock } from "../support/sim-http.js";

const TTL = "X-aws-ec2-metadata-token-ttl-seconds";
let sim: Simulator;

beforeEach(async () => {
  ({ sim } = await startOnManualClock());
});
afterEach(() => sim.close());

const put = (headers: Record<string, string>, path = "/latest/api/token") => raw(sim.imdsUrl, path, { method: "PUT", headers });

describe("IMDSv2 token PUT (docs/wire.md, IMDSv2 token)", () => {
  it.each([
    ["1", 200],
    ["21600", 200],
    ["0", 400],
    ["21601", 400],
    ["abc", 400],
    ["-5", 400],
    ["1.5", 400],
    ["", 400],
  ])("TTL %j is answered %i", async (ttl, status) => {
    expect((await put({ [TTL]: ttl })).status).toBe(status);
  });

  it("answers 400 with the XHTML Bad Request page when the TTL header is missing", async () => {
    const res = await put({});
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("text/html");
    expect(res.text).toContain("<title>400 - Bad Request</title>");
  });

  it("grants a 56-character opaque token as text/plain, echoing the granted TTL", async () => {
    const res = await put({ [TTL]: "300" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain");
    expect(res.headers["x-aws-ec2-metadata-token-ttl-seconds"]).toBe("300");
    expect(res.headers.server).toBe("EC2ws");
    expect(res.text).toMatch(/^AQAEA[A-Za-z0-9_-]{49}==$/);
    expect(res.headers["content-length"]).toBe("56");
  });

  it("writes the TTL response header with the capitalisation real IMDS uses", async () => {
    const res = await put({ [TTL]: "300" });
    expect(res.rawHeaders).toContain("X-Aws-Ec2-Metadata-Token-Ttl-Seconds");
  });

  it("issues a different token on every PUT", async () => {
    const [a, b] = await Promise.all([put({ [TTL]: "60" }), put({ [TTL]: "60" })]);
    expect(a.text).not.toBe(b.text);
  });

  it("refuses a PUT that carries X-Forwarded-For with 403", async () => {
    const res = await put({ [TTL]: "21600", "X-Forwarded-For": "1.2.3.4" });
    expect(res.status).toBe(403);
    expect(res.text).toContain("403 - Forbidden");
  });

  it("refuses a PUT to a version-specific token path with 403", async () => {
    expect((await put({ [TTL]: "21600" }, "/2021-03-23/api/token")).status).toBe(403);
  });

  it.each(["GET", "POST", "DELETE", "HEAD"])("answers %s on the token path with 405 Not Allowed and Allow: OPTIONS, PUT", async (method) => {
    const res = await raw(sim.imdsUrl, "/latest/api/token", { method, headers: { [TTL]: "21600" } });
    expect(res.status).toBe(405);
    expect(res.statusMessage).toBe("Not Allowed");
    expect(res.headers.allow).toBe("OPTIONS, PUT");
  });

  it("counts token PUTs and issued tokens", async () => {
    await put({ [TTL]: "60" });
    await put({ [TTL]: "0" });
    expect(sim.stats()).toMatchObject({ tokenPuts: 2, tokensIssued: 1, activeTokens: 1 });
  });
});
