/**
 * The one place that decides what an AWS failure means: for the backoff, for
 * the metric outcome, and for the drift engine (STS refusing the served
 * credentials is the `credentials_rejected` drift). It reads our own errors
 * (src/aws/errors.ts), the SDK's ServiceExceptions (`Code`/`name`,
 * `$metadata.httpStatusCode`) and Node's network errors alike.
 */
import type { ControlPlaneOutcome, StsOutcome } from "./labels.js";
import { NETWORK_ERROR_CODES } from "../net.js";
import { AwsApiError, AwsResponseError, AwsTransportError } from "./errors.js";

export type FailureKind = "throttled" | "denied" | "explicit-deny" | "rejected" | "clock-skew" | "not-found" | "retryable" | "error";

export interface Classified {
  kind: FailureKind;
  /** The AWS error code, the network error code, or what we name the failure ("BadResponse"). */
  code: string;
  status?: number;
  /** AWS's own words (or the network error's), without secrets; may be empty. */
  message: string;
}

// Codes from docs/wire.md, Query errors and EC2 DescribeIamInstanceProfileAssociations and the SDK's THROTTLING_ERROR_CODES (@smithy/core retry).
const THROTTLED = new Set([
  "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
  "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
  "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
  "EC2ThrottledException",
]);
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"]);
/**
 * A deny that a policy attached to the caller states, as AWSRevokeOlderSessions does for sessions
 * issued before a revocation (docs/wire.md, Query errors and Credential delivery). Denies by a
 * service control policy, a permissions boundary or a resource policy are worded otherwise.
 */
const EXPLICIT_DENY = /with an explicit deny in an identity-based policy/;
/** The credentials themselves are refused: unknown, expired, or badly signed. */
const REJECTED = new Set([
  "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "AuthFailure", "SignatureDoesNotMatch",
  "IncompleteSignature", "MissingAuthenticationToken", "UnrecognizedClientException",
]);
/**
 * The request is refused for its time, not its credentials: its signature is dated more than 15
 * minutes from the service's clock (docs/wire.md, Clock skew). STS and IAM word it as a
 * SignatureDoesNotMatch whose message says "Signature expired" (a clock behind) or "Signature not
 * yet current" (a clock ahead); the codes are among the SDK's CLOCK_SKEW_ERROR_CODES (@smithy/service-error-classification).
 */
const CLOCK = new Set(["RequestExpired", "RequestTimeTooSkewed", "RequestInTheFuture"]);
const SIGNATURE_DATED = /\bSignature (?:expired|not yet current)\b/;
/** The SDK names IAM's NoSuchEntity `NoSuchEntityException` (its `Code` stays NoSuchEntity). */
const NOT_FOUND = new Set(["NoSuchEntity", "NoSuchEntityException"]);
const NETWORK = new Set([...NETWORK_ERROR_CODES, "TimeoutError", "AbortError", "NetworkError"]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

export function classify(error: unknown): Classified {
  if (error instanceof AwsResponseError) return { kind: "error", code: "BadResponse", status: error.status, message: error.message };
  if (error instanceof AwsTransportError) return { kind: "retryable", code: error.code, message: error.message };
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as ErrorLike;
  const status = error instanceof AwsApiError ? error.status : asNumber(e.$metadata?.httpStatusCode);
  const code = error instanceof AwsApiError ? error.code : errorCode(e);
  // Our own errors carry AWS's message apart from the code and status that prefix `message`.
  const message = error instanceof AwsApiError ? error.awsMessage : typeof e.message === "string" ? e.message : "";
  const base = status === undefined ? { code, message } : { code, status, message };
  return { kind: kindOf(code, status, message, e.$retryable?.throttling === true), ...base };
}

function kindOf(code: string, status: number | undefined, message: string, sdkSaysThrottling: boolean): FailureKind {
  if (DENIED.has(code)) return EXPLICIT_DENY.test(message) ? "explicit-deny" : "denied";
  if (CLOCK.has(code) || (code === "SignatureDoesNotMatch" && SIGNATURE_DATED.test(message))) return "clock-skew";
  if (REJECTED.has(code)) return "rejected";
  if (NOT_FOUND.has(code)) return "not-found";
  if (THROTTLED.has(code) || sdkSaysThrottling || status === 429 || status === 503) return "throttled";
  if (status !== undefined && status >= 500) return "retryable";
  if (status === undefined && NETWORK.has(code)) return "retryable";
  return "error";
}

/** The raw AWS code (`Code`) before the SDK's exception name; a Node error's `code`; else its name. */
function errorCode(e: ErrorLike): string {
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === "string" && candidate !== "" && candidate !== "Error") return candidate;
  }
  return "UnknownError";
}

function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * `rolewatch_sts_requests_total{outcome}`: what is not refused, throttled or denied is an error;
 * a request refused for its time says nothing of the credentials, so it is an error too.
 */
export function stsOutcome(kind: FailureKind | "ok"): StsOutcome {
  if (kind === "explicit-deny") return "denied";
  return kind === "ok" || kind === "rejected" || kind === "throttled" || kind === "denied" ? kind : "error";
}

/**
 * `rolewatch_control_plane_requests_total{api,outcome}`: refused credentials
 * count as denied there (the caller may not read the control plane, whatever the reason).
 */
export function controlPlaneOutcome(kind: FailureKind | "ok"): ControlPlaneOutcome {
  if (kind === "rejected" || kind === "explicit-deny") return "denied";
  return kind === "ok" || kind === "throttled" || kind === "denied" || kind === "not-found" ? kind : "error";
}
