/**
 * The log events of `rolewatch account` (docs/contract.md, Log events): JSON lines with the
 * agent's ECS fields, written at start and stop and when an API of an account fails or answers
 * again, never on every cycle. `cloud.account.id` is the account the event is about.
 */
import type { DestinationStream } from "pino";
import type { Classified } from "../aws/index.js";
import type { HealthChange } from "../account/views.js";
import type { Clock } from "../clock.js";
import { createEcsLogger, ECS_VERSION, SEVERITY_SCORE } from "./ecs-logger.js";
import { errorFields } from "./event-lines.js";

export type AccountEventAction = "account-started" | "account-stopping" | "account-cycle-failed" | "account-cycle-recovered" | "config-warning" | "web-config-problem" | "cycle-error";

export interface AccountEvents {
  /** `config` must already be free of secrets. */
  started(e: { version: string; config: object }): void;
  stopping(e: { signal: string }): void;
  change(e: HealthChange): void;
  warn(action: "config-warning" | "web-config-problem", message: string): void;
  /** A cycle that threw: a bug, reported, and the next cycle runs. */
  error(action: "cycle-error", message: string, cause: unknown): void;
}

const API_CALLS = { sts: "STS", iam: "IAM ListInstanceProfiles", ec2: "EC2 DescribeIamInstanceProfileAssociations" } as const;

function reason(f: Classified): string {
  return `${f.code}${f.status === undefined ? "" : ` (HTTP ${f.status})`}${f.message ? `: ${f.message}` : ""}`;
}

export function createAccountEvents(opts: { clock: Clock; version: string; level?: string; destination?: DestinationStream }): AccountEvents {
  const logger = createEcsLogger({ clock: opts.clock, level: opts.level ?? "info", ...(opts.destination ? { destination: opts.destination } : {}) });
  const write = (level: "info" | "warn" | "error", message: string, action: AccountEventAction, severity: number, fields: {
    event?: Record<string, unknown>; rolewatch?: Record<string, unknown>; account?: string | null; extra?: Record<string, unknown>;
  } = {}) => {
    const cloud = { provider: "aws", ...(fields.account ? { account: { id: fields.account } } : {}) };
    logger[level]({
      message,
      event: { kind: "event", action, severity, dataset: "rolewatch.log", ...fields.event },
      ...(fields.rolewatch ? { rolewatch: fields.rolewatch } : {}),
      ...fields.extra,
      cloud,
      service: { name: "rolewatch", version: opts.version, type: "account" },
      ecs: { version: ECS_VERSION },
    });
  };
  return {
    started({ version, config }) {
      write("info", `rolewatch account ${version} started`, "account-started", SEVERITY_SCORE.routine, {
        event: { category: ["process"], type: ["start"] }, rolewatch: { config },
      });
    },
    stopping({ signal }) {
      write("info", `rolewatch account stopping on ${signal}`, "account-stopping", SEVERITY_SCORE.routine, {
        event: { category: ["process"], type: ["end"] }, rolewatch: { signal },
      });
    },
    change(e) {
      const where = `${API_CALLS[e.api]}${e.region ? ` in ${e.region}` : ""} for account ${e.account ?? "(not known yet)"}`;
      const fields = { api: e.api, ...(e.region ? { region: e.region } : {}) };
      if (e.change === "failed") {
        write("warn", `${where} failed: ${reason(e.failure)}; its series are kept as last read`, "account-cycle-failed", SEVERITY_SCORE.warning, {
          account: e.account, rolewatch: { account: { ...fields, kind: e.failure.kind, code: e.failure.code, reason: reason(e.failure) } },
        });
      } else {
        write("info", `${where} answers again after ${e.downSeconds} s`, "account-cycle-recovered", SEVERITY_SCORE.routine, {
          account: e.account, rolewatch: { account: { ...fields, down_s: e.downSeconds } },
        });
      }
    },
    warn(action, message) {
      write("warn", message, action, SEVERITY_SCORE.warning);
    },
    error(action, message, cause) {
      write("error", message, action, SEVERITY_SCORE.high, { extra: { error: errorFields(cause) } });
    },
  };
}
