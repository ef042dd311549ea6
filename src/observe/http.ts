import type { AddressInfo, Server } from "node:net";
import { RolewatchError } from "../errors.js";
import type { WebConfig } from "../web/load.js";
import { createWebServer, type Handler, type Request, type Response } from "../web/server.js";
import type { WebConfigWatch } from "../web/watch.js";
import { HTTP_LIMITS, type HttpLimits } from "./http-limits.js";
import { METRICS_CONTENT_TYPE } from "./metrics.js";

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
  /** The exporter-toolkit web configuration file (TLS, basic auth, headers); null: plain HTTP, open. */
  webConfigFile?: string | null;
  /** The problems of a web configuration file that turned bad while serving. */
  onWebConfigProblem?: (problems: readonly string[]) => void;
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
  let reload: (config: WebConfig) => void = () => undefined;
  // Loaded only for a web configuration file: its parser (yaml) and bcrypt would otherwise stay in memory for nothing.
  const web = opts.webConfigFile == null ? null : new (await import("../web/watch.js")).WebConfigWatch(opts.webConfigFile, {
    onProblem: opts.onWebConfigProblem ?? (() => undefined),
    onReload: (config) => reload(config),
  });
  const handler: Handler = (req, res) => {
    answer(routes, req, web).then(
      (reply) => send(res, reply),
      () => send(res, { status: 500, type: TEXT, body: "internal error" }),
    );
  };
  const created = createWebServer(limits, handler, web?.initial ?? null, () => web?.current() ?? null);
  reload = created.reload;
  const { server } = created;
  // Looked at for each connection too, so that a renewed certificate is served from the next one on.
  if (web !== null) server.on("connection", () => web.current());
  server.maxConnections = limits.maxConnections;
  (server as Server & { maxHeadersCount?: number }).maxHeadersCount = limits.maxHeadersCount;
  // With no "timeout" listener, Node destroys a socket idle this long (an HTTP/2 session too).
  (server as Server & { timeout: number }).timeout = limits.idleTimeoutMs;
  await listen(server, opts.host, opts.port);
  const { port } = server.address() as AddressInfo;
  return {
    url: `${web?.initial.tls ? "https" : "http"}://${formatHost(opts.host)}:${port}`,
    port,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        created.closeAll();
      }),
  };
}

type Answer = Reply & { allow?: string; headers?: Readonly<Record<string, string>> };

/** The web configuration's word first (exporter-toolkit guards every path), then the route's. */
async function answer(routes: Record<string, () => Promise<Reply> | Reply>, req: Request, web: WebConfigWatch | null): Promise<Answer> {
  if (web === null) return handle(routes, req);
  const admission = await web.admit(req.headers.authorization);
  if (!admission.ok && admission.status === 500) return { status: 500, type: TEXT, body: "internal error" };
  if (!admission.ok) return { status: 401, type: TEXT, body: "unauthorized", headers: admission.headers };
  return { ...(await handle(routes, req)), headers: admission.headers };
}

async function handle(routes: Record<string, () => Promise<Reply> | Reply>, req: Request): Promise<Answer> {
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
function send(res: Response, reply: Answer): void {
  const body = Buffer.from(reply.body.endsWith("\n") ? reply.body : `${reply.body}\n`);
  res.writeHead(reply.status, {
    ...reply.headers,
    "content-type": reply.type,
    "content-length": body.length,
    "cache-control": "no-store",
    ...(reply.allow ? { allow: reply.allow } : {}),
  });
  res.end(body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
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
