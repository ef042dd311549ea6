/**
 * The listening server a web configuration asks for: plain HTTP without tls_server_config,
 * HTTPS with it, and HTTPS that also speaks HTTP/2 (ALPN h2, HTTP/1.1 beside it) when
 * http_server_config.http2 is on, exporter-toolkit's default. The same limits hold on each
 * (src/observe/http-limits.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Server, Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { HttpLimits } from "../observe/http-limits.js";
import type { WebConfig } from "./load.js";
import type { TlsSettings } from "./parse.js";

// Not ESM imports: the ESM view of node:http reads every export, and http.WebSocket loads
// undici, which then stays loaded (3.4 MiB of RSS on Node 24, npm run bench). node:http2 is
// taken only for a server that speaks it: loaded, it stays (1.8 MiB on Node 24).
const { createServer: createHttp } = process.getBuiltinModule("node:http");
const { createServer: createHttps } = process.getBuiltinModule("node:https");

export type Request = IncomingMessage | Http2ServerRequest;
export type Response = ServerResponse | Http2ServerResponse;
export type Handler = (req: Request, res: Response) => void;

/** The server properties Node.js reads for each new TLS connection (tls.Server's options). */
interface ClientCertPolicy {
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

export interface WebServer {
  server: Server;
  /** Puts a reloaded configuration's certificates and client policy in force for the next connections. */
  reload(config: WebConfig): void;
  /** Ends every open connection, kept-alive ones and HTTP/2 sessions included. */
  closeAll(): void;
}

export function createWebServer(limits: HttpLimits, handler: Handler, web: WebConfig | null, current: () => WebConfig | null): WebServer {
  const http1 = {
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above this often: 30 s by default, which would let a slow
    // client keep its connection three times as long as headersTimeout says; every half of it,
    // at most 1.5 times. Not every second: that wake-up was 0.16 ms of CPU a second, more than
    // half of what an idle daemon spends (0.26 against 0.10 ms/s on Node 24, no poll meanwhile).
    connectionsCheckingInterval: Math.max(1, Math.floor(limits.headersTimeoutMs / 2)),
  };
  const tls = web?.tls ?? null;
  const settings = web?.settings.tls ?? null;
  if (tls === null || settings === null) {
    const server = createHttp(http1, handler);
    return { server, reload: () => undefined, closeAll: () => server.closeAllConnections() };
  }
  const server = web?.settings.http2 === true
    ? Object.assign(process.getBuiltinModule("node:http2").createSecureServer({ ...tls, ...policy(settings), ...http2Limits(limits), allowHTTP1: true }, capped(limits, handler)), http1)
    : createHttps({ ...http1, ...tls, ...policy(settings) }, handler);
  // RequireAnyClientCert and VerifyClientCertIfGiven have no OpenSSL flag of their own: the
  // handshake asks for a certificate without failing, and the policy is applied once it is done.
  // An HTTP/2 server has no closeAllConnections: its sockets are tracked here.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (socket: TLSSocket) => {
    const clientAuth = current()?.settings.tls?.clientAuth ?? settings.clientAuth;
    if (!admitsPeer(clientAuth, socket)) socket.destroy();
  });
  return {
    server,
    reload(config) {
      if (config.tls === null || config.settings.tls === null) return;
      server.setSecureContext(config.tls);
      Object.assign(server as unknown as ClientCertPolicy, policy(config.settings.tls));
    },
    closeAll: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * HTTP/2's own names for the limits: the header list size is advertised (SETTINGS) but Node.js
 * does not enforce it, so capped() does; a scrape needs one stream at a time.
 */
function http2Limits(limits: HttpLimits) {
  return { maxHeaderListPairs: limits.maxHeadersCount, settings: { maxHeaderListSize: limits.maxHeaderSize, maxConcurrentStreams: 16 } };
}

/** 431 to an HTTP/2 request whose header list is over maxHeaderSize, sized as RFC 9113, 6.5.2 counts it (name, value and 32 octets each). */
function capped(limits: HttpLimits, handler: Handler): Handler {
  return (req, res) => {
    if (req.httpVersionMajor !== 2) return handler(req, res);
    let size = 0;
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) size += (req.rawHeaders[i]?.length ?? 0) + (req.rawHeaders[i + 1]?.length ?? 0) + 32;
    if (size <= limits.maxHeaderSize) return handler(req, res);
    res.writeHead(431, { "content-type": "text/plain; charset=utf-8" });
    res.end("request header fields too large\n");
  };
}

function policy(tls: TlsSettings): ClientCertPolicy {
  return { requestCert: tls.clientAuth !== "NoClientCert", rejectUnauthorized: tls.clientAuth === "RequireAndVerifyClientCert" };
}

function admitsPeer(clientAuth: TlsSettings["clientAuth"], socket: TLSSocket): boolean {
  const given = Object.keys(socket.getPeerCertificate()).length > 0;
  switch (clientAuth) {
    case "RequireAnyClientCert":
    case "RequireClientCert":
      return given;
    case "VerifyClientCertIfGiven":
      return !given || socket.authorized;
    case "RequireAndVerifyClientCert":
      return socket.authorized;
    default:
      return true;
  }
}
