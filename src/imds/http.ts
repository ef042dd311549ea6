import { request, type IncomingHttpHeaders } from "node:http";
import { ImdsError } from "../errors.js";
import { readCapped } from "../net.js";

export interface Exchange {
  method: "GET" | "PUT";
  url: URL;
  /** The wire path, for errors: never the full URL with a query. */
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBodyBytes: number;
}

/** `body` is read only on 200; any other status's body is drained unread. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request on its own socket, settled only once that socket is closed, so
 * a daemon polling all day leaves nothing open between polls. Rejects only
 * with ImdsError: "timeout", "unreachable", or "bad-response" (200 body over
 * the cap).
 */
export function exchange(x: Exchange): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Real time is right for a socket deadline; it also ends a slow body.
    const signal = AbortSignal.timeout(x.timeoutMs);
    let settle: (() => void) | undefined;
    const fail = (err: unknown) => (settle ??= () => reject(transportError(err, signal, x.path)));
    let req;
    try {
      // agent: false: no pooled keep-alive socket survives the request.
      req = request(x.url, { method: x.method, headers: x.headers, agent: false, signal });
    } catch (err) {
      reject(transportError(err, signal, x.path));
      return;
    }
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        res.on("end", () => (settle ??= () => resolve({ status, headers: res.headers, body: "" })));
        res.on("error", fail);
        return;
      }
      readCapped(res, x.maxBodyBytes, (body) => {
        settle ??= body === null
          ? () => reject(new ImdsError("bad-response", x.path, 200, { detail: `body over ${x.maxBodyBytes} bytes` }))
          : () => resolve({ status, headers: res.headers, body });
      }, fail);
    });
    req.on("error", fail);
    req.on("close", () => (settle ?? (() => reject(new ImdsError("unreachable", x.path))))());
    req.end();
  });
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT",
]);

function transportError(err: unknown, signal: AbortSignal, path: string): ImdsError {
  if (err instanceof ImdsError) return err;
  if (signal.aborted) return new ImdsError("timeout", path, undefined, { cause: err });
  const code = (err as { code?: unknown } | null)?.code;
  const known = typeof code === "string" && UNREACHABLE_CODES.has(code);
  // Anything else that breaks the exchange before a status is no better described.
  return new ImdsError("unreachable", path, undefined, known ? { cause: err, detail: code } : { cause: err });
}
