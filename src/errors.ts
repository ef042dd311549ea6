/**
 * One hierarchy for every failure rolewatch reports. Messages never carry a
 * secret: callers pass what happened (status, path, code), not bodies.
 */
export class RolewatchError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration: every problem at once, each naming its key and what is allowed. */
export class ConfigError extends RolewatchError {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
  }
}

/** A document that is not well-formed XML (src/aws/xml.ts). */
export class XmlError extends RolewatchError {}

/** Well-formed, but not the shape the API documents: a missing element, an unknown value (src/aws/parse.ts). */
export class ShapeError extends RolewatchError {}

export type ImdsFailure =
  | "unreachable" // connection refused or reset, DNS, no route
  | "timeout"
  | "token-refused" // the token PUT was answered with an error status
  | "unauthorized" // 401 even with a fresh token
  | "disabled" // 403: IMDS turned off for this instance
  | "throttled" // 429
  | "server-error" // 5xx
  | "bad-response" // malformed JSON, a value out of shape, a body over the cap
  | "unexpected-status";

/** `detail` names what was wrong (a field, a limit), never a value read from IMDS. */
export interface ImdsErrorOptions extends ErrorOptions {
  detail?: string;
}

/** IMDS could not be read. `failure` is a closed set, fit for a metric label. */
export class ImdsError extends RolewatchError {
  constructor(
    readonly failure: ImdsFailure,
    readonly path: string,
    readonly status?: number,
    options?: ImdsErrorOptions,
  ) {
    const http = status === undefined ? "" : ` (HTTP ${status})`;
    const detail = options?.detail === undefined ? "" : `: ${options.detail}`;
    super(`IMDS ${path}: ${failure}${http}${detail}`, options);
  }
}
