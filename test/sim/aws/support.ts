/** What the API port tests share: a port over the fake control plane, SDK clients for it, and a raw signed request. */
import { createHash, createHmac } from "node:crypto";
import { join } from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { startAwsApi, type AwsApi, type AwsApiOptions } from "../../../src/sim/aws/index.js";
import { raw, type RawResponse } from "../../support/sim-http.js";
import { ADMIN, FakeControlPlane } from "./fake-control-plane.js";

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export async function startFakeApi(options: Partial<AwsApiOptions> = {}): Promise<{ api: AwsApi; plane: FakeControlPlane }> {
  const plane = new FakeControlPlane(() => Date.parse("2026-11-29T08:00:00Z"));
  return { api: await startAwsApi({ controlPlane: plane, ...options }), plane };
}

/** JS SDK v3 clients pointed at the port, with these keys and no retries (a refusal shows at once). */
export function clients(url: string, keys: Keys = ADMIN, region = "us-east-1") {
  const config = { endpoint: url, region, credentials: keys, maxAttempts: 1 };
  return { sts: new STSClient(config), iam: new IAMClient(config), ec2: new EC2Client(config) };
}

export interface SignedRequest {
  service: string;
  /** Default POST; a GET carries its parameters in `query`. */
  method?: "GET" | "POST";
  query?: Record<string, string>;
  body?: string;
  /** What goes on the wire instead of the signed body. */
  sendBody?: string;
  keys?: Keys;
  region?: string;
  /** Default: now. */
  date?: Date;
  headers?: Record<string, string>;
  /** Runs on the signed headers before sending: to spoil or drop one. */
  tamper?: (headers: Record<string, string>) => void;
}

/** A request signed by @smithy/signature-v4 as botocore signs (no x-amz-content-sha256), sent as is. */
export async function signedRequest(url: string, request: SignedRequest): Promise<RawResponse> {
  const { host } = new URL(url);
  const keys = request.keys ?? ADMIN;
  const region = request.region ?? "us-east-1";
  const signer = new SignatureV4({ credentials: keys, region, service: request.service, sha256: Sha256, applyChecksum: false });
  const method = request.method ?? "POST";
  const body = request.body ?? "";
  const form = method === "POST" ? { "content-type": "application/x-www-form-urlencoded; charset=utf-8" } : {};
  const headers = { host, ...form, ...request.headers };
  const query = request.query ?? {};
  const signed = await signer.sign({ method, protocol: "http:", hostname: host, path: "/", query, headers, body }, { signingDate: request.date ?? new Date() });
  const sent = signed.headers as Record<string, string>;
  request.tamper?.(sent);
  const search = new URLSearchParams(query).toString().replace(/\+/g, "%20");
  return raw(url, search ? `/?${search}` : "/", { method, headers: sent, body: request.sendBody ?? (method === "POST" ? body : undefined) });
}

/** The test's own hash for the signer, kept apart from the simulator's. */
class Sha256 {
  readonly #parts: Buffer[] = [];
  readonly #key: Buffer | undefined;
  constructor(secret?: SourceData) {
    this.#key = secret === undefined ? undefined : toBuffer(secret);
  }
  update(data: SourceData): void {
    this.#parts.push(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    const data = Buffer.concat(this.#parts);
    return Promise.resolve(this.#key ? createHmac("sha256", this.#key).update(data).digest() : createHash("sha256").update(data).digest());
  }
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: SourceData): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&" };

/** The element's text in an XML body (first occurrence, entities decoded), for assertions on raw responses. */
export function xmlText(body: string, element: string): string | undefined {
  const text = new RegExp(`<${element}>([^<]*)</${element}>`).exec(body)?.[1];
  return text?.replace(/&(lt|gt|quot|apos|amp);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Only these keys, an empty config, no other AWS_* variable: nothing but the simulator can answer. */
export function cliEnv(cliHome: string, keys: Keys, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ["PATH", "LANG", "PYENV_ROOT", "PYENV_VERSION", "SYSTEMROOT"];
  return {
    ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
    HOME: cliHome,
    AWS_CONFIG_FILE: join(cliHome, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(cliHome, "credentials"),
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    ...(keys.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: keys.sessionToken }),
    ...extra,
  };
}
