/** The faults IMDS can be made to show: their shapes, shared by the fault set and the parsers. */
export interface Scope {
  /** How many matching responses the fault affects before it clears itself; absent: until cleared. */
  count?: number;
  /** Only requests whose path (duplicate slashes collapsed) starts with this. */
  path?: string;
}

/** Failures IMDS can be made to show. */
export type Fault =
  | ({ kind: "status"; status: 500 | 502 | 503 | 429 } & Scope)
  /** Answer `ms` of real time late: a client's socket timeout runs on real time. */
  | ({ kind: "delay"; ms: number } & Scope)
  /** JSON documents served truncated. */
  | ({ kind: "malformed" } & Scope)
  /** Successful bodies padded or cut to exactly `bytes` bytes. */
  | ({ kind: "oversized"; bytes: number } & Scope)
  /** The connection is reset without a response. */
  | ({ kind: "reset" } & Scope)
  /** HttpEndpoint=disabled: every request gets 403. */
  | { kind: "disabled" }
  /** The role's credentials document with this Code and no keys (src/sim/imds/verdicts.ts). */
  | { kind: "credentials-code"; code: string; count?: number }
  /** These role names listed after the served one (src/sim/imds/verdicts.ts). */
  | { kind: "extra-roles"; roles: string[]; count?: number };

export type FaultKind = Fault["kind"];
