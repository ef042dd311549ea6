import type { Agent } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { RolewatchError } from "../../src/errors.js";
import { startHttpServer, type HttpServer, type HttpServerOptions } from "../../src/observe/http.js";
import { METRICS_CONTENT_TYPE } from "../../src/observe/metrics.js";
import { answerOf, type Answer } from "../support/http-answer.js";

/** One request on its own connection unless an agent is given. */
function call(server: HttpServer, path: string, method = "GET", agent: Agent | false = false): Promise<Answer> {
  return answerOf(`${server.url}${path}`, { method, agent });
}

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(overrides: Partial<HttpServerOptions> = {}): Promise<HttpServer> {
  server = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    metrics: async () => "# HELP up x\n# TYPE up gauge\nup 1\n",
    ready: () => true,
    status: () => ({ status: "ok" }),
    ...overrides,
  });
  return server;
}

describe("HTTP endpoints", () => {
  it("serves /metrics in the Prometheus text format", async () => {
    const answer = await call(await start(), "/metrics");
    expect(answer).toMatchObject({ status: 200, body: "# HELP up x\n# TYPE up gauge\nup 1\n" });
    expect(answer.headers["content-type"]).toBe(METRICS_CONTENT_TYPE);
  });

  it("answers /healthz while the process is alive, ready or not", async () => {
    const answer = await call(await start({ ready: () => false, status: () => null }), "/healthz");
    expect(answer).toMatchObject({ status: 200, body: "ok\n" });
  });

  it("answers /readyz with 503 until the first observation, then 200", async () => {
    let ready = false;
    const s = await start({ ready: () => ready });
    expect((await call(s, "/readyz")).status).toBe(503);
    ready = true;
    expect((await call(s, "/readyz")).status).toBe(200);
  });

  it("answers /status with 503 {status: starting} before the first observation, then the last report", async () => {
    let report: unknown = null;
    const s = await start({ status: () => report });
    const starting = await call(s, "/status");
    expect(starting.status).toBe(503);
    expect(JSON.parse(starting.body)).toEqual({ status: "starting" });
    report = { status: "critical", drifts: [{ kind: "profile_empty", since: "2026-11-29T08:00:00Z" }] };
    const reported = await call(s, "/status");
    expect(reported.status).toBe(200);
    expect(reported.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(reported.body)).toEqual(report);
  });

  it("ignores the query string", async () => {
    expect((await call(await start(), "/healthz?verbose=1")).status).toBe(200);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const s = await start();
    const get = await call(s, "/metrics");
    const head = await call(s, "/metrics", "HEAD");
    expect(head).toMatchObject({ status: 200, body: "" });
    expect(head.headers["content-length"]).toBe(get.headers["content-length"]);
  });

  it.each(["POST", "PUT", "DELETE"])("refuses %s with 405 and says what is allowed", async (method) => {
    const answer = await call(await start(), "/metrics", method);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("GET, HEAD");
  });

  it.each(["/", "/metric", "/status/", "/constructor", "/__proto__"])("answers 404 for %s", async (path) => {
    expect((await call(await start(), path)).status).toBe(404);
  });

  it.each(["//[", "//[::1", "//a:b"])("answers 400 for %s, a target that cannot be read, and keeps serving", async (path) => {
    const s = await start();
    expect(await call(s, path)).toMatchObject({ status: 400, body: "bad request\n" });
    expect((await call(s, "/healthz")).status).toBe(200);
  });

  it("answers 500, without the error's text, when the metrics cannot be collected", async () => {
    const answer = await call(await start({ metrics: () => Promise.reject(new Error("collector failed: secret-ish")) }), "/metrics");
    expect(answer).toMatchObject({ status: 500, body: "internal error\n" });
  });

  it("rejects with a RolewatchError when the port is taken", async () => {
    const first = await start();
    const second = startHttpServer({ host: "127.0.0.1", port: first.port, metrics: async () => "", ready: () => true, status: () => null });
    await expect(second).rejects.toThrow(RolewatchError);
    await expect(second).rejects.toThrow(/EADDRINUSE/);
  });
});
