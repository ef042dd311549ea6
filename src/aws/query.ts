/**
 * One signed call of the AWS Query protocol (docs/wire.md, Query protocol): a form-encoded
 * POST, an XML answer or an error envelope. One attempt: retries and backoff
 * belong to the caller's schedule (src/aws/schedule.ts), so that there is one
 * backoff policy and every call on the wire is counted in the metrics.
 */
import type { Clock } from "../clock.js";
import { VERSION } from "../version.js";
import { resolveEndpoint, type ConfiguredEndpoints } from "./endpoints.js";
import { AwsApiError, AwsResponseError, type AwsService } from "./errors.js";
import { post } from "./http.js";
import { parseHttpDate } from "./http-date.js";
import { parseErrorEnvelope, ShapeError } from "./parse.js";
import { scrub } from "./redact.js";
import { signRequest, uriEscape, type SigningCredentials } from "./sigv4.js";
import { parseXml, XmlError, type XmlElement } from "./xml.js";

/** API versions of the three services (docs/wire.md, Query protocol). */
const API_VERSIONS: Record<AwsService, string> = { sts: "2011-06-15", iam: "2010-05-08", ec2: "2016-11-15" };

export interface QueryOptions {
  clock: Clock;
  /** The instance's region (config, else the identity document). */
  region: string;
  /** The endpoints of the configuration (aws.endpoint*), checked at start. */
  endpoints: ConfiguredEndpoints;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Told the service's clock each time an answer (a value or an error envelope) carries a Date. */
  onDated?: (dated: Dated) => void;
}

/** One answer's `Date` beside the local time it was received at: the host clock's skew, to the second. */
export interface Dated {
  service: AwsService;
  serverMs: number;
  receivedAt: number;
}

/**
 * The SDK sets no request timeout of its own; 10 s keeps a hung connection
 * from holding a poll. The answers read are a few KB (a profile with one
 * role and its URL-encoded trust policy); 256 KiB leaves room and caps a
 * runaway body (docs/contract.md, Quality bars: bodies read from AWS are size-capped).
 */
export const QUERY_DEFAULTS = { timeoutMs: 10_000, maxBodyBytes: 256 * 1024 } as const;

/** `Action=…&Version=…&…`, escaped as the SDK's Query serializer does. */
export function queryBody(service: AwsService, action: string, params: readonly (readonly [string, string])[]): string {
  const all = [["Action", action], ["Version", API_VERSIONS[service]], ...params] as const;
  return all.map(([k, v]) => `${uriEscape(k)}=${uriEscape(v)}`).join("&");
}

/**
 * Calls `action` signed with exactly `credentials` and returns the root of
 * the answer. Throws AwsApiError (an error envelope), AwsTransportError (no
 * answer) or AwsResponseError (an answer out of shape).
 */
export async function queryCall(
  service: AwsService,
  action: string,
  params: readonly (readonly [string, string])[],
  credentials: SigningCredentials,
  opts: QueryOptions,
): Promise<XmlElement> {
  const { url, signingRegion } = resolveEndpoint(service, opts.region, opts.endpoints);
  const body = queryBody(service, action, params);
  const signed = signRequest({
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body,
    service,
    region: signingRegion,
    now: opts.clock.now(),
  }, credentials);
  // Not signed, as the SDKs leave it unsigned: proxies may rewrite it.
  const headers = { ...signed, "user-agent": `rolewatch/${VERSION}` };
  const reply = await post({ service, url, headers, body, timeoutMs: opts.timeoutMs, maxBodyBytes: opts.maxBodyBytes });
  const receivedAt = opts.clock.now();
  // Only the service's own answers tell its clock: a proxy's error page does not.
  const dated = () => {
    const serverMs = parseHttpDate(reply.date);
    if (serverMs !== null) opts.onDated?.({ service, serverMs, receivedAt });
  };
  const root = parseReply(service, reply.status, reply.body);
  if (reply.status >= 200 && reply.status < 300) {
    if (!root) badShape(service, reply.status, "not XML");
    dated();
    return root;
  }
  const envelope = root && parseErrorEnvelope(root);
  if (envelope) dated();
  const code = envelope?.code ?? "UnknownError";
  throw new AwsApiError(service, code, reply.status, scrub(envelope?.message ?? "", credentials), envelope?.requestId ?? reply.requestId);
}

/** null for a body that is not XML (an error from a proxy, say): only a success body must be XML. */
function parseReply(service: AwsService, status: number, body: string): XmlElement | null {
  try {
    return parseXml(body);
  } catch (error) {
    if (!(error instanceof XmlError)) throw error;
    if (status >= 200 && status < 300) badShape(service, status, `malformed XML: ${error.message}`);
    return null;
  }
}

function badShape(service: AwsService, status: number, detail: string): never {
  throw new AwsResponseError(service, status, detail);
}

/** Runs a pure reader over an answer; its ShapeError becomes an AwsResponseError. */
export function readShape<T>(service: AwsService, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ShapeError || error instanceof XmlError) badShape(service, 200, error.message);
    throw error;
  }
}
