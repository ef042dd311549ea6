import type { Clock } from "../../clock.js";
import type { Caller, ControlPlane } from "../plane/control-plane.js";
import { isService, type AuthFailure, type Service } from "./protocol.js";
import { parseAuthorization, sameText, signatureMatches, type Authorization, type ReceivedRequest } from "./signature.js";

/** AWS refuses a signature dated more than 15 minutes from its own time (docs/wire.md, SigV4, step 2). */
export const MAX_SKEW_MS = 15 * 60 * 1000;

export interface AuthContext {
  plane: ControlPlane;
  /** A signature date is fresh when it is within MAX_SKEW_MS of any of these clocks. */
  signingClocks: readonly Clock[];
}

export type AuthResult = { service: Service; caller: Caller } | { service: Service; failure: AuthFailure };

/**
 * Who signed the request, or why it is refused. The service comes from the
 * credential scope; until the header is read, `fallback` (from Version) says
 * which envelope to answer in.
 */
export async function authenticate(ctx: AuthContext, request: ReceivedRequest, fallback: Service): Promise<AuthResult> {
  const header = request.headers.authorization;
  const auth = parseAuthorization(Array.isArray(header) ? header[0] : header);
  if ("kind" in auth) return { service: fallback, failure: auth };
  if (!isService(auth.service)) {
    const message = `Credential should be scoped to correct service: 'sts', 'iam' or 'ec2'. `;
    return { service: fallback, failure: { kind: "signature", message } };
  }
  const service = auth.service;
  const caller = ctx.plane.caller(auth.accessKeyId);
  const failure = callerFailure(caller, request) ?? dateFailure(ctx, auth, request);
  if (failure || !caller) return { service, failure: failure ?? { kind: "unknown-key" } };
  const signingDate = new Date(parseAmzDate(String(request.headers["x-amz-date"])) ?? 0);
  if (!(await signatureMatches(request, auth, caller.secretAccessKey, signingDate))) return { service, failure: { kind: "signature" } };
  return { service, caller };
}

/** Unknown key, a session token that is not the caller's, a revoked or expired session. */
function callerFailure(caller: Caller | null, request: ReceivedRequest): AuthFailure | undefined {
  if (!caller || caller.status === "revoked") return { kind: "unknown-key" };
  const token = request.headers["x-amz-security-token"];
  const sent = typeof token === "string" ? token : undefined;
  const tokenOk = caller.sessionToken === null ? sent === undefined : sent !== undefined && sameText(sent, caller.sessionToken);
  if (!tokenOk) return { kind: "unknown-key" };
  if (caller.status === "expired") return { kind: "expired" };
  return undefined;
}

function dateFailure(ctx: AuthContext, auth: Authorization, request: ReceivedRequest): AuthFailure | undefined {
  const raw = request.headers["x-amz-date"];
  if (typeof raw !== "string") {
    return { kind: "incomplete", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  }
  const at = parseAmzDate(raw);
  if (at === undefined) return { kind: "incomplete", message: `Date must be in ISO-8601 'basic format'. Got '${raw}'. See http://en.wikipedia.org/wiki/ISO_8601` };
  if (raw.slice(0, 8) !== auth.scopeDate) {
    const message = `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${raw.slice(0, 8)}', from '${raw}'.`;
    return { kind: "signature", message };
  }
  const nows = ctx.signingClocks.map((c) => c.now());
  if (nows.some((now) => Math.abs(at - now) <= MAX_SKEW_MS)) return undefined;
  // Worded against the clock nearest the signature's date: the one its signer meant to match.
  const nearest = nows.reduce((best, now) => (Math.abs(at - now) < Math.abs(at - best) ? now : best), nows[0] ?? at);
  return { kind: "skew", message: skewMessage(raw, at, nearest) };
}

/** The words STS and IAM use (docs/wire.md, Query errors). */
function skewMessage(raw: string, at: number, now: number): string {
  if (at < now) return `Signature expired: ${raw} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 15 min.)`;
  return `Signature not yet current: ${raw} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 15 min.)`;
}

/** `20261129T080855Z` to ms, or undefined when out of shape. */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const at = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(at) ? undefined : at;
}

export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}
