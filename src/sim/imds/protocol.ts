import type { IncomingHttpHeaders } from "node:http";
import { TOKEN_HEADER, TOKEN_PATH, TOKEN_TTL_HEADER, TOKEN_TTL_MAX, TOKEN_TTL_MIN } from "../../imds/paths.js";
import type { World } from "../world/world.js";
import { errorPage } from "./pages.js";
import type { ImdsCounters } from "./stats.js";
import type { TokenStore } from "./tokens.js";
import { metadataTree, resolve, type CredentialsVersion } from "./tree.js";

export type HttpTokens = "required" | "optional";

export interface ImdsRequest {
  method: string;
  /** Duplicate slashes collapsed, query dropped. */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface Answer {
  status: number;
  /** Reason phrase when real IMDS uses a non-standard one. */
  reason?: string;
  contentType: "text/plain" | "text/html";
  body: string;
  headers: Record<string, string>;
}

export interface ImdsState {
  world: World;
  instanceId: string;
  tokens: TokenStore;
  httpTokens: HttpTokens;
  counters: ImdsCounters;
}

/** The header name as real IMDS writes it in responses (docs/wire.md, IMDSv2 token and IMDS reads). */
const TTL_RESPONSE_HEADER = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds";
const VERSIONED_TOKEN_PATH = /^\/[^/]+\/api\/token$/;
const TTL_VALUE = /^\d{1,9}$/;

export function text(status: number, body: string, headers: Record<string, string> = {}): Answer {
  return { status, contentType: "text/plain", body, headers };
}

export function html(status: number, reason: string, headers: Record<string, string> = {}): Answer {
  return { status, contentType: "text/html", body: errorPage(status, reason), headers };
}

/** The IMDSv2 rules of docs/wire.md, IMDSv2 token, IMDS reads and IMDS status codes, for one request that no fault intercepted. */
export function answer(state: ImdsState, request: ImdsRequest): Answer {
  return VERSIONED_TOKEN_PATH.test(request.path) ? tokenAnswer(state, request) : readAnswer(state, request);
}

function tokenAnswer(state: ImdsState, { method, path, headers }: ImdsRequest): Answer {
  const allow = { Allow: "OPTIONS, PUT" };
  if (method === "OPTIONS") return text(200, "", allow);
  if (method !== "PUT") return { ...html(405, "Not Allowed", allow), reason: "Not Allowed" };
  state.counters.tokenPuts++;
  // "This behavior is intended": only /latest/ issues tokens; PUTs carrying X-Forwarded-For are refused.
  if (path !== TOKEN_PATH || headers["x-forwarded-for"] !== undefined) return html(403, "Forbidden");
  const ttlText = headers[TOKEN_TTL_HEADER];
  const ttl = typeof ttlText === "string" && TTL_VALUE.test(ttlText.trim()) ? Number(ttlText.trim()) : NaN;
  if (!(ttl >= TOKEN_TTL_MIN && ttl <= TOKEN_TTL_MAX)) return html(400, "Bad Request");
  state.counters.tokensIssued++;
  return text(200, state.tokens.issue(ttl), { [TTL_RESPONSE_HEADER]: String(ttl) });
}

function readAnswer(state: ImdsState, { method, path, headers }: ImdsRequest): Answer {
  if (method !== "GET" && method !== "HEAD") return html(405, "Method Not Allowed", { Allow: "GET, HEAD" });
  state.counters.read(path);
  const granted = access(state, headers);
  if ("status" in granted) return granted;
  const { world, instanceId } = state;
  const body = resolve(metadataTree(world, world.instance(instanceId), world.clock.now(), granted.version), path);
  return body === null ? html(404, "Not Found", granted.headers) : text(200, body, granted.headers);
}

interface Access {
  version: CredentialsVersion;
  /** The remaining token lifetime, sent only when a token was (docs/wire.md, IMDS reads). */
  headers: Record<string, string>;
}

/** Which credentials a read may see, or the answer that refuses it (docs/wire.md, IMDS status codes). */
function access(state: ImdsState, headers: IncomingHttpHeaders): Access | Answer {
  const token = headers[TOKEN_HEADER];
  if (typeof token !== "string" || token === "") {
    // Optional mode serves distinct "IMDSv1 role credentials" to token-less reads (docs/wire.md, Credential delivery).
    return state.httpTokens === "optional" ? { version: "1.0", headers: {} } : text(401, "");
  }
  if (headers["x-forwarded-for"] !== undefined) return html(403, "Forbidden");
  const check = state.tokens.check(token);
  if (!check.valid) return text(401, "");
  return { version: "2.0", headers: { [TTL_RESPONSE_HEADER]: String(check.remainingSeconds) } };
}
