import { writeFileSync } from "node:fs";
import { connect as http2Connect } from "node:http2";
import { join } from "node:path";
import { connect, type TLSSocket } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HTTP_LIMITS, startHttpServer, type HttpLimits, type HttpServer } from "../../src/observe/http.js";
import { makeTestPki, OPENSSL, type TestPki } from "../support/certs.js";
import { watch, type Connection } from "../support/raw-connection.js";
import { requireTool } from "../support/require-tool.js";

/*
 * The limits of src/observe/http-limits.ts hold on the servers a web configuration asks for:
 * HTTPS, and HTTPS with HTTP/2 beside HTTP/1.1 (exporter-toolkit's default), as on plain HTTP
 * (test/observe/http-limits.test.ts).
 */

const HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

let pki: TestPki;
let server: HttpServer | undefined;
const sockets: TLSSocket[] = [];
beforeAll(() => {
  if (OPENSSL.available) pki = makeTestPki();
});
afterAll(() => pki?.remove());
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

async function start(http2: boolean, limits: Partial<HttpLimits>): Promise<HttpServer> {
  const file = join(pki.dir, `web-${http2}.yml`);
  writeFileSync(file, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nhttp_server_config:\n  http2: ${http2}\n`);
  server = await startHttpServer({ host: "127.0.0.1", port: 0, metrics: async () => "", ready: () => true, status: () => null, limits, webConfigFile: file });
  return server;
}

/** An HTTP/1.1 connection over TLS; resolves once it is open (or closed before its handshake). */
function open(s: HttpServer, send = ""): Promise<Connection<TLSSocket>> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: s.port, ca: pki.pem(pki.caFile), ALPNProtocols: ["http/1.1"] });
    sockets.push(socket);
    const connection = watch(socket);
    socket.once("secureConnect", () => {
      if (send !== "") socket.write(send);
      resolve(connection);
    });
    void connection.closed.then(() => resolve(connection));
  });
}

describe.each([false, true])("the HTTPS server's limits (http2: %s)", (http2) => {
  it("closes a connection idle for idleTimeoutMs", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const c = await open(await start(http2, { idleTimeoutMs: 300 }));
    const after = await c.closed;
    expect(after).toBeGreaterThanOrEqual(250);
    expect(after).toBeLessThan(5_000);
    expect(c.received()).toBe("");
  });

  it("answers 408 to a client that trickles its headers past headersTimeoutMs", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const c = await open(await start(http2, { idleTimeoutMs: 10_000, headersTimeoutMs: 500, requestTimeoutMs: 600 }), "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const trickle = setInterval(() => c.socket.writable && c.socket.write("X-A: b\r\n"), 100);
    try {
      await c.seen("HTTP/1.1 408 ");
      expect(await c.closed).toBeLessThan(5_000);
    } finally {
      clearInterval(trickle);
    }
  });

  it("answers 431 to headers larger than maxHeaderSize", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const c = await open(await start(http2, {}), `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(HTTP_LIMITS.maxHeaderSize)}\r\n\r\n`);
    await c.seen("HTTP/1.1 431 ");
  });

  it("closes a keep-alive connection once it has waited keepAliveTimeoutMs", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const c = await open(await start(http2, { keepAliveTimeoutMs: 300 }), HEALTHZ);
    await c.seen("HTTP/1.1 200 ");
    expect(await c.closed).toBeLessThan(5_000);
  });

  it("closes, unanswered, a connection beyond maxConnections", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const s = await start(http2, { maxConnections: 2 });
    const held = [await open(s, HEALTHZ), await open(s, HEALTHZ)];
    for (const c of held) await c.seen("HTTP/1.1 200 ");
    const beyond = await open(s, HEALTHZ);
    await beyond.closed;
    expect(beyond.received()).toBe("");
  });
});

describe("an HTTP/2 session's limits", () => {
  it("closes a session idle for idleTimeoutMs, and refuses a header list larger than maxHeaderSize", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const s = await start(true, { idleTimeoutMs: 300 });
    const session = http2Connect(s.url, { ca: pki.pem(pki.caFile) });
    session.on("error", () => {});
    const closed = new Promise<number>((resolve) => session.once("close", () => resolve(performance.now())));
    const big = await new Promise<string>((resolve) => {
      const stream = session.request({ ":path": "/healthz", "x-big": "a".repeat(HTTP_LIMITS.maxHeaderSize) });
      stream.on("response", (headers) => resolve(String(headers[":status"])));
      stream.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      stream.resume();
      stream.end();
    });
    expect(big).toBe("431");
    const answered = performance.now();
    expect((await closed) - answered).toBeLessThan(5_000);
  });
});

describe("closing an HTTPS server", () => {
  it.for([false, true])("ends kept-alive connections, and HTTP/2 sessions, at once (http2: %s), though they would idle for a minute", async (http2, ctx) => {
    requireTool(ctx, OPENSSL);
    const s = await start(http2, { idleTimeoutMs: 60_000, keepAliveTimeoutMs: 60_000 });
    const h1 = await open(s, HEALTHZ);
    await h1.seen("HTTP/1.1 200 ");
    let sessionClosed: Promise<unknown> = Promise.resolve();
    if (http2) {
      const session = http2Connect(s.url, { ca: pki.pem(pki.caFile) });
      session.on("error", () => {});
      sessionClosed = new Promise((resolve) => session.once("close", resolve));
      await new Promise((resolve) => session.request({ ":path": "/healthz" }).on("response", resolve).resume().end());
    }
    const started = performance.now();
    await s.close();
    server = undefined;
    await Promise.all([h1.closed, sessionClosed]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
