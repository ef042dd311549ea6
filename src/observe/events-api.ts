import type { ControlPlaneApi } from "../aws/labels.js";
import type { DriftKind, Severity } from "../drift/kinds.js";
import type { ImdsFailure } from "../errors.js";
import type { RoleSource } from "./labels.js";

/**
 * One function per log event, so that each event's fields are written in one
 * place. Times are milliseconds since the epoch and are written as ISO 8601.
 * Emitted on transitions, not on every poll (docs/contract.md, Log events).
 */
export interface Events {
  /** Adds `cloud.*` to every later event. */
  setInstance(instance: { id: string; accountId: string; region: string }): void;
  /** `config` must already be free of secrets. */
  agentStarted(e: { version: string; config: object }): void;
  agentStopping(e: { signal: string }): void;
  imdsUnavailable(e: { failure: ImdsFailure; path: string; status?: number }): void;
  imdsRecovered(e: { downSeconds: number }): void;
  /** AccessKeyIds are written: CloudTrail correlates on them. */
  credentialsRotated(e: { accessKeyId: string; previousAccessKeyId: string | null; expiration: number | null; lastUpdated: number | null }): void;
  roleChanged(e: { source: RoleSource; from: string | null; to: string | null }): void;
  /** `from`/`to`: instance profile ARNs. */
  profileChanged(e: { from: string | null; to: string | null }): void;
  controlPlaneUnavailable(e: { api: ControlPlaneApi; reason: string }): void;
  controlPlaneRecovered(e: { api: ControlPlaneApi; downSeconds: number }): void;
  /** The host clock is more than a minute from AWS's, or a request was refused for its time; `skewSeconds`: server minus host, when a Date was seen. */
  clockSkewed(e: { skewSeconds: number | null; reason: string }): void;
  clockRecovered(e: { skewSeconds: number | null }): void;
  driftDetected(e: { kind: DriftKind; severity: Severity; since: number; detail: string }): void;
  /** `detail`: what was seen when it was detected; `resolution`: what is true now, and so why it ended. */
  driftResolved(e: { kind: DriftKind; severity: Severity; since: number; durationSeconds: number; detail: string; resolution: string }): void;
  /** The state file could not be used (unreadable, corrupt, unwritable); `problem` says which, for a person. */
  stateProblem(e: { problem: string; path: string }): void;
  /** There is no state file yet, as on a first start: nothing is wrong, one is written after the first poll. */
  stateCreated(e: { path: string }): void;
  /** A line for what no event above describes, with the action it is filed under. */
  warn(action: "config-warning" | "schedule-warning" | "web-config-problem", message: string, fields?: Record<string, unknown>): void;
  error(action: "poll-failed" | "schedule-error", message: string, cause?: unknown, fields?: Record<string, unknown>): void;
}
