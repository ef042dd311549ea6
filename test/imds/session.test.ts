import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { ImdsError } from "../../src/errors.js";
import { ImdsSession, type ImdsSessionOptions } from "../../src/imds/session.js";
import { caught, closedPort, expectSocketsBackTo, openSockets, startFakeImds, type FakeImds, type FakeImdsOptions } from "./loopback.js";

const INFO = "/latest/meta-data/iam/info";
let fake: FakeImds;
let clock: ManualClock;

async function setUp(options: FakeImdsOptions = {}, session: Partial<ImdsSessionOptions> = {}) {
  fake = await startFakeImds({ routes: { [INFO]: "info-body" }, ...options });
  clock = new ManualClock();
  return new ImdsSession({ endpoint: fake.url, clock, timeoutMs: 2_000, ...session });
}

const puts = () => fake.seen.filter((s) => s.method === "PUT").length;

afterEach(async () => {
  await fake.close();
});

describe("ImdsSession reads", () => {
  it("returns the body of a 200, sending the token it got from a PUT with the TTL header", async () => {
    const imds = await setUp();
    expect(await imds.get(INFO, "iam-info")).toBe("info-body");
    const [put, get] = fake.seen;
    expect(put).toMatchObject({ method: "PUT", path: "/latest/api/token" });
    expect(put?.headers["x-aws-ec2-metadata-token-ttl-seconds"]).toBe("21600");
    expect(get?.headers["x-aws-ec2-metadata-token"]).toBe(fake.tokens[0]);
    expect(imds.version).toBe("v2");
  });

  it("returns null for a 404: an absence is a value", async () => {
    const imds = await setUp();
    expect(await imds.get("/latest/meta-data/iam/security-credentials/", "credentials-list")).toBeNull();
  });

  it("never sends X-Forwarded-For, and asks the server to close each connection", async () => {
    const imds = await setUp();
    for (let i = 0; i < 3; i++) await imds.get(INFO, "iam-info");
    for (const s of fake.seen) {
      expect(s.headers["x-forwarded-for"]).toBeUndefined();
      expect(s.headers.connection).toBe("close");
    }
  });

  it.each([
    [403, "disabled"],
    [429, "throttled"],
    [500, "server-error"],
    [502, "server-error"],
    [503, "server-error"],
    [400, "unexpected-status"],
  ] as const)("turns a GET answered %i into ImdsError %s", async (status, failure) => {
    const imds = await setUp({ override: (req, res) => req.method === "GET" && !!res.writeHead(status).end() });
    const err = await caught(imds.get(INFO, "iam-info"));
    expect(err).toBeInstanceOf(ImdsError);
    expect(err).toMatchObject({ failure, path: INFO, status });
  });

  it("reports each request with its endpoint label and status code", async () => {
    const records: unknown[] = [];
    const imds = await setUp({}, { onRequest: (r) => records.push(r) });
    await imds.get(INFO, "iam-info");
    await imds.get("/nothing", "credentials");
    expect(records).toEqual([
      { endpoint: "token", code: "200", seconds: 0 },
      { endpoint: "iam-info", code: "200", seconds: 0 },
      { endpoint: "credentials", code: "404", seconds: 0 },
    ]);
  });
});

describe("ImdsSession token lifetime", () => {
  it("uses one token for many reads, and concurrent first reads share one token request", async () => {
    let fetches = 0;
    const imds = await setUp({}, { onTokenFetch: () => fetches++ });
    await Promise.all([imds.get(INFO, "iam-info"), imds.get(INFO, "iam-info"), imds.get(INFO, "iam-info")]);
    for (let i = 0; i < 20; i++) {
      clock.advance(15_000);
      await imds.get(INFO, "iam-info");
    }
    expect(fetches).toBe(1);
    expect(puts()).toBe(1);
  });

  it.each([
    ["the requested 21600 s, echoed", undefined, 21_600, 19_440],
    ["a granted 120 s (the header wins)", 120, 21_600, 60],
    ["the requested 21600 s when no TTL header comes back", null, 21_600, 19_440],
    ["the requested 90 s (margin capped at half)", undefined, 90, 45],
    ["the requested 500 s (60 s floor)", undefined, 500, 440],
    ["the requested 1000 s (10 % margin)", undefined, 1000, 900],
  ] as const)("refreshes a token granted for %s after the right number of seconds", async (_, grantedTtl, ttl, usedFor) => {
    const imds = await setUp({ grantedTtl }, { tokenTtlSeconds: ttl });
    await imds.get(INFO, "iam-info");
    clock.advance(usedFor * 1000 - 1);
    await imds.get(INFO, "iam-info");
    expect(puts()).toBe(1);
    clock.advance(1);
    await imds.get(INFO, "iam-info");
    expect(puts()).toBe(2);
  });

  it("on a 401 drops the token, fetches a new one and retries once", async () => {
    const imds = await setUp();
    await imds.get(INFO, "iam-info");
    fake.revokeTokens();
    expect(await imds.get(INFO, "iam-info")).toBe("info-body");
    expect(puts()).toBe(2);
    expect(fake.seen.at(-1)?.headers["x-aws-ec2-metadata-token"]).toBe(fake.tokens[1]);
  });

  it("gives up with 'unauthorized' when a fresh token is refused too", async () => {
    const imds = await setUp({ override: (req, res) => req.method === "GET" && !!res.writeHead(401).end() });
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure: "unauthorized", status: 401 });
    expect(puts()).toBe(2);
    expect(fake.seen.filter((s) => s.method === "GET")).toHaveLength(2);
  });

  it("refuses a token body that cannot be a token", async () => {
    const imds = await setUp({ override: (req, res) => req.method === "PUT" && !!res.end("") });
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure: "bad-response", path: "/latest/api/token" });
  });
});

describe("ImdsSession when the token PUT is refused", () => {
  const refusing = (status: number): FakeImdsOptions => ({
    override: (req, res) => req.method === "PUT" && !!res.writeHead(status).end(),
  });

  it.each([
    [400, "token-refused"],
    [403, "disabled"],
    [404, "token-refused"],
    [405, "token-refused"],
    [429, "throttled"],
    [500, "server-error"],
  ] as const)("fails on %i with %s and never reads without a token (IMDSv1 not allowed)", async (status, failure) => {
    const imds = await setUp(refusing(status));
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure, path: "/latest/api/token", status });
    expect(fake.seen.filter((s) => s.method === "GET")).toHaveLength(0);
  });

  it.each([403, 404, 405])("reads without a token after a %i when IMDSv1 is allowed, and says so", async (status) => {
    const imds = await setUp({
      override: (req, res) => {
        if (req.method === "PUT") return !!res.writeHead(status).end();
        return req.headers["x-aws-ec2-metadata-token"] === undefined && !!res.end("v1-body");
      },
    }, { allowV1: true });
    expect(await imds.get(INFO, "iam-info")).toBe("v1-body");
    expect(imds.version).toBe("v1");
    expect(fake.seen.at(-1)?.headers["x-aws-ec2-metadata-token"]).toBeUndefined();
  });

  it("does not fall back to IMDSv1 after a 400, even when allowed", async () => {
    const imds = await setUp(refusing(400), { allowV1: true });
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure: "token-refused" });
    expect(fake.seen.filter((s) => s.method === "GET")).toHaveLength(0);
  });

  it("goes back to a token when a read without one is answered 401", async () => {
    let v1Only = true;
    const imds = await setUp({
      override: (req, res) => v1Only && (req.method === "PUT" ? !!res.writeHead(404).end() : !!res.end("v1-body")),
    }, { allowV1: true });
    await imds.get(INFO, "iam-info");
    v1Only = false;
    expect(await imds.get(INFO, "iam-info")).toBe("info-body");
    expect(imds.version).toBe("v2");
  });
});

describe("ImdsSession transport failures", () => {
  it("times out a server that does not answer, reporting code 'timeout', and leaves no socket open", async () => {
    const codes: string[] = [];
    const imds = await setUp({ override: (req) => req.method === "GET" }, { timeoutMs: 1_000, onRequest: (r) => codes.push(r.code) });
    const baseline = openSockets();
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure: "timeout", path: INFO });
    expect(codes).toEqual(["200", "timeout"]);
    await expectSocketsBackTo(baseline);
  });

  it("times out a body that trickles in past the deadline", async () => {
    const imds = await setUp({
      override: (req, res) => req.method === "GET" && !!res.writeHead(200, { "content-length": "100" }).write("x"),
    }, { timeoutMs: 1_000 });
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure: "timeout" });
  });

  it("calls a refused connection 'unreachable'", async () => {
    const port = await closedPort();
    fake = await startFakeImds();
    const codes: string[] = [];
    const imds = new ImdsSession({ endpoint: `http://127.0.0.1:${port}`, clock: new ManualClock(), onRequest: (r) => codes.push(r.code) });
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure: "unreachable", path: "/latest/api/token" });
    expect(codes).toEqual(["error"]);
  });

  it.each([
    ["before the status line", (res: import("node:http").ServerResponse) => res.socket?.destroy()],
    ["in the middle of the body", (res: import("node:http").ServerResponse) => {
      res.writeHead(200, { "content-length": "100" }).write("partial");
      setImmediate(() => res.socket?.destroy());
    }],
  ])("calls a connection reset %s 'unreachable'", async (_, reset) => {
    const imds = await setUp({ override: (req, res) => req.method === "GET" && (reset(res), true) });
    const baseline = openSockets();
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure: "unreachable", path: INFO });
    await expectSocketsBackTo(baseline);
  });

  it.each([
    ["a declared length", true],
    ["a streamed body", false],
  ])("stops reading a 200 body over the cap, with %s", async (_, declared) => {
    const imds = await setUp({
      override: (req, res) => {
        if (req.method !== "GET") return false;
        if (declared) res.setHeader("content-length", String(1 << 20));
        for (let i = 0; i < 16; i++) res.write(Buffer.alloc(64 * 1024, "a"));
        return true;
      },
    }, { maxBodyBytes: 1024 });
    const baseline = openSockets();
    expect(await caught(imds.get(INFO, "iam-info"))).toMatchObject({ failure: "bad-response", status: 200 });
    await expectSocketsBackTo(baseline);
  });
});

describe("ImdsSession errors", () => {
  it("never carry the token, whatever went wrong after it was issued", async () => {
    let mode = 0;
    const faults = [
      (res: import("node:http").ServerResponse) => res.writeHead(500).end("server said " + fake.tokens[0]),
      (res: import("node:http").ServerResponse) => res.writeHead(401).end(),
      (res: import("node:http").ServerResponse) => res.end("x".repeat(4096)),
      (res: import("node:http").ServerResponse) => res.socket?.destroy(),
    ];
    const imds = await setUp({
      override: (req, res) => req.method === "GET" && mode > 0 && (faults[mode - 1]?.(res), true),
    }, { maxBodyBytes: 1024 });
    await imds.get(INFO, "iam-info");
    const errors: unknown[] = [];
    for (mode = 1; mode <= faults.length; mode++) errors.push(await caught(imds.get(INFO, "iam-info")));
    expect(errors.map((e) => (e as ImdsError).failure)).toEqual(["server-error", "unauthorized", "bad-response", "unreachable"]);
    const text = errors.map((e) => `${(e as Error).message}\n${(e as Error).stack}\n${JSON.stringify(e)}`).join("\n");
    for (const token of fake.tokens) expect(text).not.toContain(token);
    expect(text).not.toContain("server said");
  });
});

describe("ImdsSession configuration", () => {
  it.each([0, 21_601, 1.5])("refuses a token TTL of %s", (ttl) => {
    expect(() => new ImdsSession({ endpoint: "http://127.0.0.1:1", clock: new ManualClock(), tokenTtlSeconds: ttl })).toThrow(/TTL/);
  });

  it("refuses an https endpoint", () => {
    expect(() => new ImdsSession({ endpoint: "https://169.254.169.254", clock: new ManualClock() })).toThrow(/http:/);
  });
});
