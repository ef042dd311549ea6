import type { SigningCredentials } from "./sigv4.js";

const MAX_MESSAGE = 500;

/**
 * A message fit for a view, an event or an error: the secret and the session
 * token that signed the call replaced, and the length capped. AWS does not
 * echo secrets, but SignatureDoesNotMatch has been seen quoting the whole
 * canonical request, session token header included.
 */
export function scrub(message: string, credentials: SigningCredentials | null | undefined): string {
  let out = message;
  for (const secret of [credentials?.secretAccessKey, credentials?.sessionToken]) {
    const value = secret?.reveal();
    if (value) out = out.split(value).join("[REDACTED]");
  }
  return out.length > MAX_MESSAGE ? `${out.slice(0, MAX_MESSAGE)}…` : out;
}
