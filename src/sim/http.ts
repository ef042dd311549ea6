import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { SimInputError } from "./scenario/validate.js";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface LoopbackServer {
  url: string;
  /** Stops listening and destroys every open socket, so nothing is left to keep the process alive. */
  close(): Promise<void>;
}

/** An HTTP server on `host:port` (0: a free port) that tracks its sockets. */
export function listen(handler: Handler, host: string, port: number): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => internalError(res, error));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const { port: bound } = server.address() as AddressInfo;
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
      const close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          for (const socket of sockets) socket.destroy();
        });
      resolve({ url, close });
    });
  });
}

function internalError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, { error: `internal simulator error: ${(error as Error).message}` });
}

/** The request path with duplicate slashes collapsed and the query dropped: IMDS routes on that (docs/wire.md, IMDS reads). */
export function normalizePath(url: string | undefined): string {
  const path = (url ?? "/").split("?")[0] ?? "/";
  return path.replace(/\/{2,}/g, "/");
}

/** The body as text; more than `limit` bytes is refused rather than buffered. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new SimInputError(`body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");
  res.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": String(body.length) });
  res.end(body);
}
