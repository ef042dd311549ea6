import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { AuthFailure } from "./protocol.js";

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (docs/wire.md, SigV4, step 1). */
export interface Authorization {
  accessKeyId: string;
  /** YYYYMMDD of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const CREDENTIAL = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;
const PART = (name: string) => new RegExp(`(?:^|[\\s,])${name}=([^,\\s]*)`);

/** The header's parts, or why it is missing or garbled. */
export function parseAuthorization(header: string | undefined): Authorization | AuthFailure {
  if (header === undefined || header.trim() === "") return { kind: "missing" };
  const [algorithm = "", ...rest] = header.trim().split(/\s+/);
  if (algorithm !== "AWS4-HMAC-SHA256") return { kind: "incomplete", message: `Unsupported AWS 'algorithm': '${algorithm}'` };
  const params = rest.join(" ");
  const parts = ["Credential", "SignedHeaders", "Signature"].map((name) => [name, PART(name).exec(params)?.[1]] as const);
  const absent = parts.filter(([, value]) => !value).map(([name]) => `Authorization header requires '${name}' parameter.`);
  if (absent.length > 0) return { kind: "incomplete", message: absent.join(" ") };
  const [credential = "", signedHeaders = "", signature = ""] = parts.map(([, value]) => value ?? "");
  const scope = CREDENTIAL.exec(credential);
  if (!scope) return { kind: "incomplete", message: "Authorization header is malformed: Credential must be <AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request" };
  if (!/^[a-z0-9\-;]+$/.test(signedHeaders)) return { kind: "incomplete", message: "Authorization header is malformed: SignedHeaders must be lower-case header names joined by ';'" };
  if (!/^[0-9a-f]{64}$/.test(signature)) return { kind: "incomplete", message: "Authorization header is malformed: Signature must be 64 hexadecimal digits" };
  const [, accessKeyId = "", scopeDate = "", region = "", service = ""] = scope;
  return { accessKeyId, scopeDate, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

export interface ReceivedRequest {
  method: string;
  /** As received: path and query string. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 and HMAC-SHA256 on node:crypto, in the shape @smithy/signature-v4 asks for. */
class NodeSha256 {
  readonly #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }

  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }
}

function bytes(data: SourceData): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

// Loaded on the first request, not at import: `rolewatch run` imports the CLI, and with it the simulator's modules,
// and should not pay for a signer it never uses.
let signerModule: Promise<typeof import("@smithy/signature-v4")> | undefined;

/**
 * Signs the request again, the client's way, with the caller's secret, and
 * compares (docs/wire.md, SigV4, steps 3-5): only the signed headers, values as
 * received; the raw body; region and service from the credential scope.
 */
export async function signatureMatches(request: ReceivedRequest, auth: Authorization, secretAccessKey: string, signingDate: Date): Promise<boolean> {
  const declared = request.headers["x-amz-content-sha256"];
  if (typeof declared === "string" && declared !== createHash("sha256").update(request.body, "utf8").digest("hex")) return false;
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const url = new URL(request.url, "http://placeholder");
  const sessionToken = headers["x-amz-security-token"];
  const { SignatureV4 } = await (signerModule ??= import("@smithy/signature-v4"));
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: request.method, protocol: "http:", hostname: headers.host ?? "", path: decodeURIComponent(url.pathname), query: queryOf(url), headers, body: request.body },
    { signingDate, signingRegion: auth.region, signingService: auth.service, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = /SignedHeaders=([^,\s]+), Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization));
  return expected?.[1] === auth.signedHeaders.join(";") && sameText(expected[2] ?? "", auth.signature);
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

/** Equal text, compared in constant time. */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
