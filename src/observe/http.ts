import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RolewatchError } from "../errors.js";
import { HTTP_LIMITS, type HttpLimits } from "./http-limits.js";
import { METRICS_CONTENT_TYPE } from "./metrics.js";

// Not an ESM import: the ESM view of node:http reads every export, and http.WebSocket loads
// undici, which then stays loaded (3.4 MiB of RSS on Node 24, npm run bench).
const { createServer } = process.getBuiltinModule("node:http");

export { HTTP_LIMITS, type HttpLimits };

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  metrics: () => Promise<string>;
  /** True once the first observation is done. */
  ready: () => boolean;
  /** The `check --json` object of the last observation; null before the first. */
  status: () => unknown | null;
  /** Any limit not given is HTTP_LIMITS's (src/observe/http-limits.ts, which says why). */
  limits?: Partial<HttpLimits>;
}

export interface HttpServer {
  url: string;
  port: number;
  /** Stops listening and ends every open connection, keep-alive ones included. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

const TEXT = "text/plain; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";

/** The endpoints of docs/contract.md, HTTP endpoints. */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const routes: Record<string, () => Promise<Reply> | Reply> = {
    "/metrics": async () => ({ status: 200, type: METRICS_CONTENT_TYPE, body: await opts.metrics() }),
    "/healthz": () => ({ status: 200, type: TEXT, body: "ok" }),
    "/readyz": () => (opts.ready() ? { status: 200, type: TEXT, body: "ready" } : { status: 503, type: TEXT, body: "not ready" }),
    "/status": () => {
      const status = opts.status();
      if (status === null) return { status: 503, type: JSON_TYPE, body: JSON.stringify({ status: "starting" }) };
      return { status: 200, type: JSON_TYPE, body: JSON.stringify(status) };
    },
  };
  const limits = { ...HTTP_LIMITS, ...opts.limits };
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts above this often (30 s by default, which would let a slow
      // client keep its connection three times as long as headersTimeout says).
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      handle(routes, req).then(
        (reply) => send(res, reply),
        () => send(res, { status: 500, type: TEXT, body: "internal error" }),
      );
    },
  );
  server.maxConnections = limits.maxConnections;
  server.maxHeadersCount = limits.maxHeadersCount;
  // With no "timeout" listener, Node destroys a socket idle this long.
  server.timeout = limits.idleTimeoutMs;
  await listen(server, opts.host, opts.port);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${formatHost(opts.host)}:${port}`,
    port,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(routes: Record<string, () => Promise<Reply> | Reply>, req: IncomingMessage): Promise<Reply & { allow?: string }> {
  const pathname = pathOf(req.url ?? "/");
  if (pathname === null) return { status: 400, type: TEXT, body: "bad request" };
  const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
  if (!route) return { status: 404, type: TEXT, body: "not found" };
  if (req.method !== "GET" && req.method !== "HEAD") {
    return { status: 405, type: TEXT, body: "method not allowed", allow: "GET, HEAD" };
  }
  return route();
}

/** null for a target URL cannot read, such as `//[` (an empty host, then a bad IPv6 one): the client's error. */
function pathOf(target: string): string | null {
  try {
    return new URL(target, "http://localhost").pathname;
  } catch {
    return null;
  }
}

/** Node sends no body for HEAD by itself; the headers stay those of GET. */
function send(res: ServerResponse, reply: Reply & { allow?: string }): void {
  const body = Buffer.from(reply.body.endsWith("\n") ? reply.body : `${reply.body}\n`);
  res.writeHead(reply.status, {
    "content-type": reply.type,
    "content-length": body.length,
    "cache-control": "no-store",
    ...(reply.allow ? { allow: reply.allow } : {}),
  });
  res.end(body);
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(new RolewatchError(`cannot listen on ${formatHost(host)}:${port}: ${error.code ?? error.message}`, { cause: error }));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
