import { httpExchange, NetError } from "../net.js";
import { AwsResponseError, AwsTransportError, type AwsService } from "./errors.js";

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
  /** The `Date` header as sent, unchecked (src/aws/http-date.ts reads it). */
  date: string | undefined;
  body: string;
}

/**
 * One POST over the shared exchange (src/net.ts). Bodies of every status are
 * read, since error envelopes carry the code; both are capped. Rejects with
 * AwsTransportError (no answer) or AwsResponseError (a body over the cap).
 */
export async function post(p: Post): Promise<Reply> {
  const { url, headers, body, timeoutMs, maxBodyBytes } = p;
  try {
    const answer = await httpExchange({ method: "POST", url, headers, body, timeoutMs, maxBodyBytes, readBodies: "all" });
    const id = answer.headers["x-amzn-requestid"];
    return { status: answer.status, requestId: Array.isArray(id) ? id[0] : id, date: answer.headers.date, body: answer.body };
  } catch (error) {
    throw error instanceof NetError ? awsError(error, p) : error;
  }
}

function awsError(error: NetError, p: Post): AwsTransportError | AwsResponseError {
  switch (error.failure) {
    case "timeout":
      return new AwsTransportError(p.service, "TimeoutError", { cause: error.cause });
    case "too-big":
      return new AwsResponseError(p.service, error.status ?? 0, `body over ${p.maxBodyBytes} bytes`);
    case "closed":
      return new AwsTransportError(p.service, "ECONNRESET");
    case "unreachable":
      return new AwsTransportError(p.service, error.code ?? "NetworkError", { cause: error.cause });
  }
}
