import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { RolewatchError } from "./errors.js";

// Not an ESM import: the ESM view of node:http reads every export, and http.WebSocket loads
// undici, which then stays loaded (3.4 MiB of RSS on Node 24, npm run bench).
const { request: httpRequest } = process.getBuiltinModule("node:http");
const { request: httpsRequest } = process.getBuiltinModule("node:https");

/** Node's codes for a connection that could not be made or was lost: nothing was answered. */
export const NETWORK_ERROR_CODES: readonly string[] = [
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT",
];

const NETWORK = new Set(NETWORK_ERROR_CODES);

export function isNetworkErrorCode(code: string | undefined): code is string {
  return code !== undefined && NETWORK.has(code);
}

export interface HttpRequest {
  method: "GET" | "PUT" | "POST";
  url: URL;
  headers: Record<string, string>;
  /** Sent with its Content-Length; absent: no body. */
  body?: string;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Which answers' bodies are read: every status (AWS error envelopes carry the code), or 200 only (IMDS). */
  readBodies: "all" | "200";
}

/** `body` is "" when it was not read (see `readBodies`). */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export type NetFailure =
  | "timeout" // the deadline passed
  | "unreachable" // refused, reset, unresolvable, or an error before any status
  | "too-big" // a body over the cap
  | "closed"; // the socket closed before the answer was whole

/** No usable answer. `code` is Node's error code when there was one; `status` is set for "too-big". */
export class NetError extends RolewatchError {
  constructor(
    readonly failure: NetFailure,
    readonly code?: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`HTTP exchange failed: ${failure}${code === undefined ? "" : ` (${code})`}`, options);
  }
}

/**
 * One request on its own socket (`agent: false`: no keep-alive pool survives
 * it), settled only once that socket is closed, so a daemon polling all day
 * holds nothing open between polls. The deadline is real time, which is right
 * for a socket; it also ends a slow body. Rejects only with NetError.
 */
export function httpExchange(x: HttpRequest): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(x.timeoutMs);
    let settle: (() => void) | undefined;
    const fail = (err: unknown) => (settle ??= () => reject(netError(err, signal)));
    const send = x.url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers = x.body === undefined ? x.headers : { ...x.headers, "content-length": String(Buffer.byteLength(x.body)) };
    let req;
    try {
      req = send(x.url, { method: x.method, headers, agent: false, signal });
    } catch (err) {
      reject(netError(err, signal));
      return;
    }
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      const done = (body: string | null) => {
        settle ??= body === null
          ? () => reject(new NetError("too-big", undefined, status))
          : () => resolve({ status, headers: res.headers, body });
      };
      if (x.readBodies === "all" || status === 200) return readCapped(res, x.maxBodyBytes, done, fail);
      res.resume();
      res.on("end", () => done(""));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.on("close", () => (settle ?? (() => reject(new NetError("closed"))))());
    req.end(x.body);
  });
}

function netError(err: unknown, signal: AbortSignal): NetError {
  if (err instanceof NetError) return err;
  if (signal.aborted) return new NetError("timeout", undefined, undefined, { cause: err });
  const code = (err as { code?: unknown } | null)?.code;
  return new NetError("unreachable", typeof code === "string" ? code : undefined, undefined, { cause: err });
}

/**
 * Reads a response body up to `maxBytes`: `done(null)` and the response
 * destroyed as soon as the cap is passed (declared or read), so a body that
 * is not what IMDS or AWS would send is never buffered whole.
 */
export function readCapped(res: IncomingMessage, maxBytes: number, done: (body: string | null) => void, fail: (err: unknown) => void): void {
  const tooBig = () => {
    done(null);
    res.destroy();
  };
  if (Number(res.headers["content-length"]) > maxBytes) return tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  res.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) return tooBig();
    chunks.push(chunk);
  });
  res.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
  res.on("error", fail);
}
