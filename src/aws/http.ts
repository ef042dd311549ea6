import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { AwsResponseError, AwsTransportError, type AwsService } from "./errors.js";
import { readCapped } from "../net.js";

export interface Post {
  service: AwsService;
  url: URL;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  maxBodyBytes: number;
}

export interface Reply {
  status: number;
  /** `x-amzn-requestid`, when sent. */
  requestId: string | undefined;
  body: string;
}

/**
 * One POST on its own socket (no keep-alive pool survives it: calls are
 * minutes apart), settled once that socket is closed. Bodies of every status
 * are read, since error envelopes carry the code; both are capped.
 */
export function post(p: Post): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // Real time is right for a socket deadline; it also ends a slow body.
    const signal = AbortSignal.timeout(p.timeoutMs);
    let settle: (() => void) | undefined;
    const fail = (err: unknown) => (settle ??= () => reject(transportError(p.service, err, signal)));
    const send = p.url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers = { ...p.headers, "content-length": String(Buffer.byteLength(p.body)) };
    const req = send(p.url, { method: "POST", headers, agent: false, signal });
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      const requestId = header(res, "x-amzn-requestid");
      readCapped(res, p.maxBodyBytes, (body) => {
        settle ??= body === null
          ? () => reject(new AwsResponseError(p.service, status, `body over ${p.maxBodyBytes} bytes`))
          : () => resolve({ status, requestId, body });
      }, fail);
    });
    req.on("error", fail);
    req.on("close", () => (settle ?? (() => reject(new AwsTransportError(p.service, "ECONNRESET"))))());
    req.end(p.body);
  });
}

function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function transportError(service: AwsService, err: unknown, signal: AbortSignal): AwsTransportError {
  if (signal.aborted) return new AwsTransportError(service, "TimeoutError", { cause: err });
  const code = (err as { code?: unknown } | null)?.code;
  return new AwsTransportError(service, typeof code === "string" ? code : "NetworkError", { cause: err });
}
