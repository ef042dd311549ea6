import type { DestinationStream } from "pino";
import type { Clock } from "../clock.js";
import type { DriftKind, Severity } from "../drift/kinds.js";
import type { ImdsFailure } from "../errors.js";
import { createEcsLogger, ECS_VERSION, SEVERITY_SCORE } from "./ecs-logger.js";
import { changeEvents, driftEvents, errorFields, healthEvents, lifecycleEvents, type Line } from "./event-lines.js";
import type { ControlPlaneApi } from "../aws/labels.js";
import type { RoleSource } from "./labels.js";

export type { EventAction } from "./event-lines.js";

/**
 * One function per log event, so that each event's fields are written in one
 * place. Times are milliseconds since the epoch and are written as ISO 8601.
 * Emitted on transitions, not on every poll (SPEC 4.5).
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
  driftDetected(e: { kind: DriftKind; severity: Severity; since: number; detail: string }): void;
  driftResolved(e: { kind: DriftKind; severity: Severity; since: number; durationSeconds: number; detail: string }): void;
  /** The state file could not be used (missing, corrupt, unwritable); `problem` says which, for a person. */
  stateProblem(e: { problem: string; path: string }): void;
  /** A free-form line, for what no event above describes. */
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, cause?: unknown, fields?: Record<string, unknown>): void;
}

export function createEvents(opts: { clock: Clock; level?: string; destination?: DestinationStream; version: string }): Events {
  const { clock } = opts;
  const logger = createEcsLogger({ clock, level: opts.level ?? "info", ...(opts.destination ? { destination: opts.destination } : {}) });
  const service = { name: "rolewatch", version: opts.version };
  let cloud: Record<string, unknown> = { provider: "aws" };

  function write(line: Line): void {
    const event = {
      kind: line.action === "drift-detected" ? "alert" : "event",
      ...(line.action ? { action: line.action } : {}),
      severity: line.severity,
      dataset: "rolewatch.log", // ecs-logging spec: `${service.name}.log`
      ...line.event,
    };
    logger[line.level]({
      message: line.message,
      event,
      ...(line.rolewatch ? { rolewatch: line.rolewatch } : {}),
      ...line.extra,
      cloud,
      service,
      ecs: { version: ECS_VERSION },
    });
  }

  return {
    setInstance({ id, accountId, region }) {
      cloud = { provider: "aws", account: { id: accountId }, region, instance: { id } };
    },
    ...lifecycleEvents(write),
    ...healthEvents(write),
    ...changeEvents(write),
    ...driftEvents(write, clock),
    stateProblem({ problem, path }) {
      write({ level: "warn", message: `state file ${path}: ${problem}`, severity: SEVERITY_SCORE.warning, rolewatch: { state: { problem, path } } });
    },
    warn(message, fields) {
      write({ level: "warn", message, severity: SEVERITY_SCORE.warning, ...(fields ? { rolewatch: fields } : {}) });
    },
    error(message, cause, fields) {
      const extra = cause === undefined ? {} : { error: errorFields(cause) };
      write({ level: "error", message, severity: SEVERITY_SCORE.high, extra, ...(fields ? { rolewatch: fields } : {}) });
    },
  };
}
