/**
 * ImdsConnection against a server that does not speak HTTP as IMDS does: a
 * raw TCP server on loopback scripts every byte, so that each way a hostile or
 * broken metadata service could answer ends as a NetError, within the
 * request's deadline, with nothing buffered past the cap and no socket left
 * open (docs/contract.md: every value from IMDS is untrusted).
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ImdsConnection, type WireRequest } from "../../src/imds/connection.js";
import { NetError } from "../../src/net.js";
import { expectSocketsBackTo, openSockets } from "./loopback.js";

/** What the server does with each connection: `n` counts connections from 0, `request` is the bytes of one request head. */
type Script = (socket: Socket, request: string, n: number) => void;

interface Raw {
  target: { host: string; port: number; hostHeader: string };
  /** Each connection's request heads, in order. */
  connections: string[][];
}

let server: Server | undefined;
const sockets = new Set<Socket>();

afterEach(async () => {
  sockets.forEach((socket) => socket.destroy());
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function startRaw(script: Script): Promise<Raw> {
  const connections: string[][] = [];
  server = createServer((socket) => {
    const n = connections.length;
    const heads: string[] = [];
    connections.push(heads);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let pending = "";
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
        const head = pending.slice(0, end + 4);
        pending = pending.slice(end + 4);
        heads.push(head);
        script(socket, head, n);
      }
    });
  });
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  return { target: { host: "127.0.0.1", port, hostHeader: `127.0.0.1:${port}` }, connections };
}

const GET: WireRequest = { method: "GET", path: "/latest/meta-data/iam/info", headers: { "x-aws-ec2-metadata-token": "AQAE-token" }, timeoutMs: 1000, maxBodyBytes: 1024 };
const OK = "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nRedRole";

async function failure(connection: ImdsConnection, request: WireRequest = GET): Promise<NetError> {
  const error = await connection.request(request).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NetError);
  return error as NetError;
}

describe("ImdsConnection against a hostile server", () => {
  it("ends a response that drips a byte at a time past the deadline, and closes its socket", async () => {
    const baseline = openSockets();
    const raw = await startRaw((socket) => {
      let at = 0;
      const drip = setInterval(() => (socket.destroyed ? clearInterval(drip) : socket.write(OK[at++ % OK.length]!)), 50);
      socket.on("close", () => clearInterval(drip));
    });
    const connection = new ImdsConnection(raw.target, true);
    const started = performance.now();
    expect((await failure(connection, { ...GET, timeoutMs: 300 })).failure).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(5000);
    await connection.close();
    await expectSocketsBackTo(baseline);
  });

  it("ends a server that never answers at the deadline", async () => {
    const raw = await startRaw(() => undefined);
    const connection = new ImdsConnection(raw.target, true);
    expect((await failure(connection, { ...GET, timeoutMs: 200 })).failure).toBe("timeout");
    await connection.close();
  });

  it("gives each request on a kept socket a deadline of its own, from its own start", async () => {
    // The first answered late, the second never: the second still has its whole deadline, and no more.
    const raw = await startRaw((socket, _head, n) => void (raw.connections[n]!.length === 1 && setTimeout(() => socket.write(OK), 150)));
    const connection = new ImdsConnection(raw.target, true);
    expect((await connection.request({ ...GET, timeoutMs: 300 })).body).toBe("RedRole");
    const second = performance.now();
    expect((await failure(connection, { ...GET, timeoutMs: 300 })).failure).toBe("timeout");
    expect(performance.now() - second).toBeGreaterThanOrEqual(290);
    expect(raw.connections).toHaveLength(1); // the same socket carried both
    await connection.close();
  });

  it("lets a deadline that passes after its request was answered fail nothing", async () => {
    const raw = await startRaw((socket) => socket.write(OK));
    const connection = new ImdsConnection(raw.target, true);
    expect((await connection.request({ ...GET, timeoutMs: 100 })).body).toBe("RedRole");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await connection.request({ ...GET, timeoutMs: 100 })).body).toBe("RedRole");
    await connection.close();
  });

  it("calls a body cut short by the server's close unreachable, and does not send the request again", async () => {
    const raw = await startRaw((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nRed"));
    const connection = new ImdsConnection(raw.target, true);
    expect((await failure(connection)).failure).toBe("unreachable");
    expect(raw.connections.flat()).toHaveLength(1);
    await connection.close();
  });

  it("calls a fresh connection closed before any byte unreachable, once, without a retry", async () => {
    const raw = await startRaw((socket) => socket.destroy());
    const connection = new ImdsConnection(raw.target, true);
    expect((await failure(connection)).failure).toBe("unreachable");
    expect(raw.connections).toHaveLength(1);
    await connection.close();
  });

  it("stops reading a 200 body over the cap, declared or streamed, and closes the socket", async () => {
    const raw = await startRaw((socket, _request, n) => {
      if (n === 0) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n");
      else socket.write(`HTTP/1.1 200 OK\r\n\r\n${"a".repeat(4096)}`);
    });
    const connection = new ImdsConnection(raw.target, true);
    for (let i = 0; i < 2; i++) expect(await failure(connection)).toMatchObject({ failure: "too-big", status: 200 });
    expect(raw.connections).toHaveLength(2);
    await connection.close();
  });

  it.each([
    ["a status line that is not HTTP/1.x", "HTTP/2 200\r\n\r\n"],
    ["a status that is not three digits", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"],
    ["a protocol switch nobody asked for", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"],
    ["two Content-Lengths that differ", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 7\r\n\r\nRedRole"],
    ["Content-Length beside Transfer-Encoding", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nRedRole\r\n0\r\n\r\n"],
    ["a header that smuggles a line break", "HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 3\r\nContent-Length: 7\r\n\r\nRedRole"],
    ["a head that never ends", `HTTP/1.1 200 OK\r\n${"X-Filler: aaaaaaaaaaaaaaaa\r\n".repeat(2000)}`],
  ])("refuses %s as unreachable, on a socket it then closes", async (_, answer) => {
    const raw = await startRaw((socket) => socket.write(answer));
    const connection = new ImdsConnection(raw.target, true);
    expect((await failure(connection)).failure).toBe("unreachable");
    // The next request does not read what is left of that answer: it goes on a new connection.
    await failure(connection);
    expect(raw.connections).toHaveLength(2);
    await connection.close();
  });

  it("does not take bytes sent after an answer, pipelined or between requests, as the next answer", async () => {
    const forged = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nForged";
    const raw = await startRaw((socket, _request, n) => {
      if (n === 0) socket.write(OK + forged);
      else if (n === 1) {
        socket.write(OK);
        setTimeout(() => socket.write(forged), 20);
      } else socket.write(OK);
    });
    const connection = new ImdsConnection(raw.target, true);
    expect(await connection.request(GET)).toMatchObject({ body: "RedRole", reusable: false });
    expect(await connection.request(GET)).toMatchObject({ body: "RedRole", reusable: true });
    // The forged bytes come while no request waits: that socket is given up.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await connection.request(GET)).toMatchObject({ body: "RedRole" });
    expect(raw.connections.map((heads) => heads.length)).toEqual([1, 1, 1]);
    await connection.close();
  });

  it("reads non-ASCII: obs-text in a header as Latin-1, a body as UTF-8", async () => {
    const raw = await startRaw((socket) => {
      const body = Buffer.from("Rôle-é", "utf8");
      socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nX-Note: caf\xe9\r\nContent-Length: ${body.length}\r\n\r\n`, "latin1"), body]));
    });
    const connection = new ImdsConnection(raw.target, true);
    expect(await connection.request(GET)).toMatchObject({ body: "Rôle-é", headers: { "x-note": "café" } });
    await connection.close();
  });

  it.each([
    ["a path with a space", { path: "/latest/meta-data/ HTTP/1.1\r\nX-Injected: 1" }],
    ["a path with a line break", { path: "/latest\r\nX-Injected: 1" }],
    ["a header value with a line break", { headers: { "x-aws-ec2-metadata-token": "t\r\nX-Injected: 1" } }],
    ["a header value outside printable ASCII", { headers: { "x-aws-ec2-metadata-token": "t\u0000é" } }],
  ])("refuses to send %s, and sends nothing", async (_, change) => {
    const raw = await startRaw((socket) => socket.write(OK));
    const connection = new ImdsConnection(raw.target, true);
    expect((await failure(connection, { ...GET, ...change })).failure).toBe("unreachable");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(raw.connections.flat()).toEqual([]);
    await connection.close();
  });
});
