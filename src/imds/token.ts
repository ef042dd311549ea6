/** The IMDSv2 token's rules (docs/wire.md, IMDSv2 token), apart from the session that applies them. */
import { ImdsError } from "../errors.js";
import { Secret } from "../secret.js";
import { TOKEN_PATH, TOKEN_TTL_HEADER, TOKEN_TTL_MAX, TOKEN_TTL_MIN } from "./paths.js";

/** Token PUT statuses after which the SDKs read without a token (docs/wire.md, How the SDKs read IMDS); 400 is never one. */
export const V1_FALLBACK_STATUSES: ReadonlySet<number> = new Set([403, 404, 405]);

const MIN_MARGIN_MS = 60_000;

export function isValidTtl(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= TOKEN_TTL_MIN && seconds <= TOKEN_TTL_MAX;
}

/** The TTL IMDS echoes is the one granted; without a valid one, assume the request was granted as asked. */
export function grantedTtl(headers: Readonly<Record<string, string | string[] | undefined>>, requested: number): number {
  const granted = Number(headers[TOKEN_TTL_HEADER]);
  return isValidTtl(granted) ? granted : requested;
}

/**
 * How long a token is used: its TTL less max(60 s, 10 %), the margin capped at
 * half the TTL so a short TTL is still reused. IMDS judges expiry on its own
 * clock, and a read may take a timeout plus a retry; 60 s covers the latency,
 * 10 % the drift between clocks over a long TTL. A misjudged token costs only
 * a 401 and one retry.
 */
export function tokenUseMs(ttlSeconds: number): number {
  const ttlMs = ttlSeconds * 1000;
  return ttlMs - Math.min(Math.max(MIN_MARGIN_MS, ttlMs / 10), ttlMs / 2);
}

/** Tokens are opaque printable ASCII; anything else cannot go in a header. */
export function parseToken(body: string): Secret {
  if (!/^[\x21-\x7e]+$/.test(body)) {
    throw new ImdsError("bad-response", TOKEN_PATH, 200, { detail: "token is empty or not printable ASCII" });
  }
  return new Secret(body);
}
