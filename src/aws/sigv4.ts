/**
 * AWS Signature Version 4 for the three Query calls, after the AWS IAM user
 * guide, "Create a signed AWS API request" (reference_sigv-create-signed-request).
 * Written here on node:crypto instead of importing @smithy/signature-v4, which
 * brings @smithy/core's protocol code with it (about 13 MB of RSS measured by
 * test/aws/rss-probe.mjs); test/aws/sigv4.test.ts checks both give the same signature.
 */
import { createHash, createHmac } from "node:crypto";
import type { Secret } from "../secret.js";

/** Served credentials, or any others: the secret parts stay Secrets until the moment of signing. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: Secret;
  sessionToken?: Secret;
}

export interface SignInput {
  method: string;
  url: URL;
  /** Lower-case names; all of them are signed. `host` and `x-amz-date` are added. */
  headers: Record<string, string>;
  body: string;
  service: string;
  region: string;
  /** ms since the epoch, from the injected Clock: AWS refuses a signature more than 15 min off. */
  now: number;
}

/** RFC 3986 unreserved characters stay, everything else is %XX (what SigV4 requires, unlike encodeURIComponent). */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** `20261129T080855Z` */
export function amzDate(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** The headers to send: the input's, plus host, x-amz-date, x-amz-security-token and authorization. */
export function signRequest(input: SignInput, credentials: SigningCredentials): Record<string, string> {
  const date = amzDate(input.now);
  const headers: Record<string, string> = { ...input.headers, host: input.url.host, "x-amz-date": date };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken.reveal();
  const names = Object.keys(headers).sort();
  const canonical = [
    input.method,
    canonicalPath(input.url.pathname),
    canonicalQuery(input.url.searchParams),
    ...names.map((n) => `${n}:${(headers[n] ?? "").trim().replace(/\s+/g, " ")}`),
    "",
    names.join(";"),
    sha256Hex(input.body),
  ].join("\n");
  const scope = `${date.slice(0, 8)}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", date, scope, sha256Hex(canonical)].join("\n");
  const signature = createHmac("sha256", signingKey(credentials.secretAccessKey, scope)).update(stringToSign, "utf8").digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return headers;
}

/** The only place the secret access key is revealed. */
function signingKey(secret: Secret, scope: string): Buffer {
  const [day = "", region = "", service = ""] = scope.split("/");
  const kDate = hmac(`AWS4${secret.reveal()}`, day);
  return hmac(hmac(hmac(kDate, region), service), "aws4_request");
}

/** Every service but S3 escapes the already-escaped path once more. */
function canonicalPath(pathname: string): string {
  return pathname.split("/").map(uriEscape).join("/") || "/";
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([k, v]) => [uriEscape(k), uriEscape(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}
