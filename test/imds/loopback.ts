/**
 * A real loopback HTTP server that speaks just enough IMDSv2 for the client's
 * tests, records what it received, and lets a test take over any request.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";

export interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The client's port: requests with the same one came over one connection. */
  port: number | undefined;
}

/** Returns true when it answered the request itself. */
export type Override = (req: IncomingMessage, res: ServerResponse, seen: Seen) => boolean;

export interface FakeImdsOptions {
  routes?: Record<string, string>;
  /** The TTL header on the token response; `null` leaves it out. Default: echo the request. */
  grantedTtl?: number | null | undefined;
  override?: Override;
}

export interface FakeImds {
  url: string;
  seen: Seen[];
  tokens: string[];
  override: Override | undefined;
  revokeTokens(): void;
  close(): Promise<void>;
}

const TOKEN_TTL = "x-aws-ec2-metadata-token-ttl-seconds";

export async function startFakeImds(options: FakeImdsOptions = {}): Promise<FakeImds> {
  const valid = new Set<string>();
  const fake: FakeImds = {
    url: "",
    seen: [],
    tokens: [],
    override: options.override,
    revokeTokens: () => valid.clear(),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer((req, res) => {
    const seen = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, port: req.socket.remotePort };
    fake.seen.push(seen);
    if (fake.override?.(req, res, seen)) return;
    if (req.method === "PUT" && req.url === "/latest/api/token") {
      const token = `AQAEA-token-${fake.tokens.length + 1}-Zx9==`;
      fake.tokens.push(token);
      valid.add(token);
      const granted = options.grantedTtl === undefined ? req.headers[TOKEN_TTL] : options.grantedTtl;
      if (granted !== null && granted !== undefined) res.setHeader(TOKEN_TTL, String(granted));
      return void res.end(token);
    }
    if (!valid.has(String(req.headers["x-aws-ec2-metadata-token"]))) return void res.writeHead(401).end();
    const body = options.routes?.[req.url ?? ""];
    if (body === undefined) return void res.writeHead(404, { "content-type": "text/html" }).end("<h1>404 - Not Found</h1>\n");
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** Client and server sockets alike: both live in this process. */
export function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPWrap").length;
}

/** The server side closes its end a moment after the client; give it that moment, up to a bound a busy machine meets. */
export async function expectSocketsBackTo(baseline: number): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (openSockets() > baseline && performance.now() < deadline) await sleep(10);
  expect(openSockets()).toBe(baseline);
}

/** A port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}
