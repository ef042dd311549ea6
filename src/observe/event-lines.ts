import type { Clock } from "../clock.js";
import { SEVERITY_SCORE } from "./ecs-logger.js";
import type { Events } from "./events-api.js";

/** The `event.action` values of docs/contract.md, Log events, exactly. */
export type EventAction =
  | "drift-detected" | "drift-resolved" | "credentials-rotated" | "role-changed" | "profile-changed"
  | "imds-unavailable" | "imds-recovered" | "control-plane-unavailable" | "control-plane-recovered" | "clock-skewed" | "clock-recovered"
  | "agent-started" | "agent-stopping" | "state-created" | "state-problem" | "config-warning" | "poll-failed"
  | "schedule-warning" | "schedule-error" | "web-config-problem";

/** One log line before the fields every line carries (cloud, service, ecs) are added. */
export interface Line {
  level: "info" | "warn" | "error";
  message: string;
  action?: EventAction;
  severity: number;
  /** ECS `event.*` beyond kind, action and severity: category, type, start, end, duration. */
  event?: Record<string, unknown>;
  rolewatch?: Record<string, unknown>;
  /** Other top-level ECS fields, such as `error`. */
  extra?: Record<string, unknown>;
}

type Write = (line: Line) => void;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const name = (value: string | null) => value ?? "none";

export function lifecycleEvents(write: Write): Pick<Events, "agentStarted" | "agentStopping"> {
  return {
    agentStarted({ version, config }) {
      write({
        level: "info", message: `rolewatch ${version} started`, action: "agent-started", severity: SEVERITY_SCORE.routine,
        event: { category: ["process"], type: ["start"] }, rolewatch: { config },
      });
    },
    agentStopping({ signal }) {
      write({
        level: "info", message: `rolewatch stopping on ${signal}`, action: "agent-stopping", severity: SEVERITY_SCORE.routine,
        event: { category: ["process"], type: ["end"] }, rolewatch: { signal },
      });
    },
  };
}

/** Health states (docs/contract.md, Drift kinds): what the agent can and cannot see. */
export function healthEvents(write: Write): Pick<Events, "imdsUnavailable" | "imdsRecovered" | "controlPlaneUnavailable" | "controlPlaneRecovered" | "clockSkewed" | "clockRecovered"> {
  return {
    imdsUnavailable({ failure, path, status }) {
      const http = status === undefined ? "" : ` (HTTP ${status})`;
      write({
        level: "warn", message: `IMDS unavailable: ${failure} on ${path}${http}`, action: "imds-unavailable",
        severity: SEVERITY_SCORE.warning, rolewatch: { imds: { failure, path, ...(status === undefined ? {} : { status }) } },
      });
    },
    imdsRecovered({ downSeconds }) {
      write({
        level: "info", message: `IMDS available again after ${downSeconds} s`, action: "imds-recovered",
        severity: SEVERITY_SCORE.routine, rolewatch: { imds: { down_s: downSeconds } },
      });
    },
    controlPlaneUnavailable({ api, reason }) {
      write({
        level: "warn", message: `${api.toUpperCase()} API unavailable: ${reason}`, action: "control-plane-unavailable",
        severity: SEVERITY_SCORE.warning, rolewatch: { control_plane: { api, reason } },
      });
    },
    controlPlaneRecovered({ api, downSeconds }) {
      write({
        level: "info", message: `${api.toUpperCase()} API available again after ${downSeconds} s`, action: "control-plane-recovered",
        severity: SEVERITY_SCORE.routine, rolewatch: { control_plane: { api, down_s: downSeconds } },
      });
    },
    clockSkewed({ skewSeconds, reason }) {
      write({
        level: "warn", message: `clock skewed: ${reason}`, action: "clock-skewed",
        severity: SEVERITY_SCORE.warning, rolewatch: { clock: { skew_s: skewSeconds, reason } },
      });
    },
    clockRecovered({ skewSeconds }) {
      const within = skewSeconds === null ? "" : ` (${skewSeconds} s from AWS's)`;
      write({
        level: "info", message: `clock within a minute of AWS's again${within}`, action: "clock-recovered",
        severity: SEVERITY_SCORE.routine, rolewatch: { clock: { skew_s: skewSeconds } },
      });
    },
  };
}

/** Changes of what IMDS serves. ECS `iam` category: its `change` type fits each. */
export function changeEvents(write: Write): Pick<Events, "credentialsRotated" | "roleChanged" | "profileChanged"> {
  const event = { category: ["iam"], type: ["change"] };
  return {
    credentialsRotated({ accessKeyId, previousAccessKeyId, expiration, lastUpdated }) {
      write({
        level: "info", message: `credentials rotated: ${name(previousAccessKeyId)} -> ${accessKeyId}`, action: "credentials-rotated",
        severity: SEVERITY_SCORE.routine, event,
        rolewatch: {
          credentials: {
            access_key_id: accessKeyId, previous_access_key_id: previousAccessKeyId,
            expiration: isoOrNull(expiration), last_updated: isoOrNull(lastUpdated),
          },
        },
      });
    },
    roleChanged({ source, from, to }) {
      write({
        level: "info", message: `role (${source}) changed: ${name(from)} -> ${name(to)}`, action: "role-changed",
        severity: SEVERITY_SCORE.notable, event, rolewatch: { role: { source, from, to } },
      });
    },
    profileChanged({ from, to }) {
      write({
        level: "info", message: `instance profile changed: ${name(from)} -> ${name(to)}`, action: "profile-changed",
        severity: SEVERITY_SCORE.notable, event, rolewatch: { profile: { from, to } },
      });
    },
  };
}

/**
 * A detected drift is an ECS alert (event.kind "alert": "triggered by a
 * detection rule"); its resolution is a plain event carrying the start, end
 * and duration (event.duration is in nanoseconds, per ECS).
 */
export function driftEvents(write: Write, clock: Clock): Pick<Events, "driftDetected" | "driftResolved"> {
  const category = ["iam", "configuration"];
  return {
    driftDetected({ kind, severity, since, detail }) {
      write({
        level: "warn", message: `drift ${kind} (${severity}) detected: ${detail}`, action: "drift-detected",
        severity: SEVERITY_SCORE[severity], event: { category, type: ["info"], start: iso(since) },
        rolewatch: { drift: { kind, severity, since: iso(since), detail } },
      });
    },
    driftResolved({ kind, severity, since, durationSeconds, detail, resolution }) {
      write({
        level: "info", message: `drift ${kind} resolved: ${resolution}; open ${span(durationSeconds)}`, action: "drift-resolved",
        severity: SEVERITY_SCORE.notable,
        event: { category, type: ["info"], start: iso(since), end: iso(clock.now()), duration: Math.round(durationSeconds * 1e9) },
        rolewatch: { drift: { kind, severity, since: iso(since), duration_s: durationSeconds, detail, resolution } },
      });
    },
  };
}

/** A duration as an operator reads it in a message: "40 s", "54 min", "6 h 02 min". */
function span(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** ECS `error.*` of a thrown value (our errors carry no secret in their messages: src/errors.ts). */
export function errorFields(cause: unknown): Record<string, unknown> {
  if (!(cause instanceof Error)) return { message: String(cause) };
  return { type: cause.name, message: cause.message, ...(cause.stack ? { stack_trace: cause.stack } : {}) };
}
