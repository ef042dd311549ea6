import type { Agent, IncomingHttpHeaders } from "node:http";
import { ImdsError } from "../errors.js";
import { httpExchange, isNetworkErrorCode, NetError, type HttpTarget } from "../net.js";

export interface Exchange {
  method: "GET" | "PUT";
  url: HttpTarget;
  /** The wire path, for errors: never the full URL with a query. */
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBodyBytes: number;
  /** The poll's keep-alive connection (src/imds/connection.ts); absent: a connection of the request's own. */
  agent?: Agent;
}

/** `body` is read only on 200; any other status's body is drained unread. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One IMDS request over the shared exchange (src/net.ts). Rejects only with
 * ImdsError: "timeout", "unreachable", or "bad-response" (200 body over the cap).
 */
export async function exchange(x: Exchange): Promise<Answer> {
  const { method, url, headers, timeoutMs, maxBodyBytes, agent } = x;
  try {
    return await httpExchange({ method, url, headers, timeoutMs, maxBodyBytes, readBodies: "200", ...(agent ? { agent } : {}) });
  } catch (error) {
    throw error instanceof NetError ? imdsError(error, x) : error;
  }
}

function imdsError(error: NetError, x: Exchange): ImdsError {
  switch (error.failure) {
    case "timeout":
      return new ImdsError("timeout", x.path, undefined, { cause: error.cause });
    case "too-big":
      return new ImdsError("bad-response", x.path, 200, { detail: `body over ${x.maxBodyBytes} bytes` });
    case "closed":
      return new ImdsError("unreachable", x.path);
    case "unreachable": {
      // Anything else that breaks the exchange before a status is no better described.
      const { code, cause } = error;
      return new ImdsError("unreachable", x.path, undefined, isNetworkErrorCode(code) ? { cause, detail: code } : { cause });
    }
  }
}
