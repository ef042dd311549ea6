/**
 * The head of an HTTP/1.1 response, as src/imds/response.ts reads it: header
 * lines, and how the body is framed. Strict where node's own parser (llhttp)
 * is: a header name is a token (RFC 9110, 5.1), a value holds no control
 * character but a tab, and a message that says its length twice, or both in
 * Content-Length and Transfer-Encoding, is refused (RFC 9112, 6.3).
 */

/** What node's HTTP parser allows by default (--max-http-header-size). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** The response is not HTTP/1.1 as a server would send it. */
export class MalformedResponse extends Error {}

export type Framing = { kind: "length"; left: number } | { kind: "chunked" } | { kind: "close" } | { kind: "none" };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Latin-1 text of the bytes: obs-text (0x80 to 0xff) is allowed, as llhttp allows it; no CTL but HTAB, no DEL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Names in lower case; a repeated header's values joined with ", ", as node joins them. */
export function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new MalformedResponse("not a header line");
    // No space before the colon, and no line folded onto the one before (obs-fold): RFC 9112, 5.1 and 5.2.
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new MalformedResponse("not a header name");
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!FIELD_VALUE.test(value)) throw new MalformedResponse("a control character in a header value");
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  return headers;
}

export function framing(status: number, headers: Record<string, string>): Framing {
  if (status === 204 || status === 304) return { kind: "none" };
  const encoding = headers["transfer-encoding"];
  const length = headers["content-length"];
  if (encoding !== undefined && length !== undefined) throw new MalformedResponse("both Transfer-Encoding and Content-Length");
  if (encoding !== undefined) {
    if (/(?:^|,)[ \t]*chunked[ \t]*$/i.test(encoding)) return { kind: "chunked" };
    return { kind: "close" };
  }
  if (length === undefined) return { kind: "close" };
  // Repeated, the values are joined with ", ": two Content-Lengths, even equal ones, are refused here.
  if (!/^\d{1,15}$/.test(length)) throw new MalformedResponse("not a Content-Length");
  const left = Number(length);
  return left === 0 ? { kind: "none" } : { kind: "length", left };
}
