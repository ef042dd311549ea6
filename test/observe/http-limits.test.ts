import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HTTP_LIMITS, startHttpServer, type HttpLimits, type HttpServer } from "../../src/observe/http.js";
import { watch, type Connection } from "../support/raw-connection.js";

const HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

let server: HttpServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

async function start(limits: Partial<HttpLimits>): Promise<HttpServer> {
  server = await startHttpServer({ host: "127.0.0.1", port: 0, metrics: async () => "", ready: () => true, status: () => null, limits });
  return server;
}

function open(s: HttpServer, send = ""): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect(s.port, "127.0.0.1");
    sockets.push(socket);
    const connection = watch(socket);
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      if (send !== "") socket.write(send);
      resolve(connection);
    });
  });
}

describe("the HTTP server's limits", () => {
  it("closes a connection that sends nothing once it has been idle for idleTimeoutMs", async () => {
    const c = await open(await start({ idleTimeoutMs: 300 }));
    const after = await c.closed;
    expect(after).toBeGreaterThanOrEqual(250);
    expect(after).toBeLessThan(5_000);
    expect(c.received()).toBe("");
  });

  it("closes a half-sent request idle as long, with nothing answered", async () => {
    const c = await open(await start({ idleTimeoutMs: 300 }), "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    expect(await c.closed).toBeLessThan(5_000);
    expect(c.received()).toBe("");
  });

  it("answers 408 to a client that trickles its headers past headersTimeoutMs, however busy it looks", async () => {
    const s = await start({ idleTimeoutMs: 10_000, headersTimeoutMs: 500, requestTimeoutMs: 600 });
    const c = await open(s, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const trickle = setInterval(() => c.socket.writable && c.socket.write("X-A: b\r\n"), 100);
    try {
      await c.seen("HTTP/1.1 408 ");
      expect(await c.closed).toBeLessThan(5_000); // checked every half headersTimeoutMs, so about 0.75 s at most
    } finally {
      clearInterval(trickle);
    }
  });

  it("answers 431 to headers larger than maxHeaderSize", async () => {
    const c = await open(await start({}), `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(HTTP_LIMITS.maxHeaderSize)}\r\n\r\n`);
    await c.seen("HTTP/1.1 431 ");
  });

  it("closes a keep-alive connection once it has waited keepAliveTimeoutMs for another request", async () => {
    const c = await open(await start({ keepAliveTimeoutMs: 300 }), HEALTHZ);
    await c.seen("HTTP/1.1 200 ");
    expect(await c.closed).toBeLessThan(5_000);
  });

  it("closes, unanswered, a connection beyond maxConnections, and serves again once one is free", async () => {
    const s = await start({ maxConnections: 2 });
    // Each held connection has had an answer: the server has counted it.
    const held = [await open(s, HEALTHZ), await open(s, HEALTHZ)];
    for (const c of held) await c.seen("HTTP/1.1 200 ");

    const beyond = await open(s, HEALTHZ);
    await beyond.closed;
    expect(beyond.received()).toBe("");

    held[0]?.socket.destroy();
    await held[0]?.closed;
    // The server learns of the close on its next turn; the first connect may still be refused.
    let answer = "";
    for (let i = 0; i < 50 && !answer.startsWith("HTTP/1.1 200 "); i++) {
      const next = await open(s, HEALTHZ);
      await next.seen("HTTP/1.1 200 ").catch(() => {});
      answer = next.received();
      next.socket.destroy();
    }
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
