import { ImdsError } from "../errors.js";
import { isNetworkErrorCode, NetError } from "../net.js";
import type { ImdsConnection } from "./connection.js";
import type { Response } from "./response.js";

export interface Exchange {
  method: "GET" | "PUT";
  /** The wire path, also for errors: never a full URL with a query. */
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBodyBytes: number;
  /** The poll's connection, or one for this request alone. */
  connection: ImdsConnection;
}

/** `body` is read only on 200; any other status's body is drained unread. */
export type Answer = Pick<Response, "status" | "headers" | "body">;

/**
 * One IMDS request. Rejects only with ImdsError: "timeout", "unreachable", or
 * "bad-response" (200 body over the cap).
 */
export async function exchange(x: Exchange): Promise<Answer> {
  const { method, path, headers, timeoutMs, maxBodyBytes } = x;
  try {
    return await x.connection.request({ method, path, headers, timeoutMs, maxBodyBytes });
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
