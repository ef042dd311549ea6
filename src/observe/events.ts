import type { DestinationStream } from "pino";
import type { Clock } from "../clock.js";
import { createEcsLogger, ECS_VERSION, SEVERITY_SCORE } from "./ecs-logger.js";
import { changeEvents, driftEvents, errorFields, healthEvents, lifecycleEvents, type Line } from "./event-lines.js";
import type { Events } from "./events-api.js";

export type { EventAction } from "./event-lines.js";
export type { Events } from "./events-api.js";

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
      write({ level: "warn", message: `state file ${path}: ${problem}`, action: "state-problem", severity: SEVERITY_SCORE.warning, rolewatch: { state: { problem, path } } });
    },
    stateCreated({ path }) {
      const message = `state file ${path} does not exist yet (a first start): no drift was open; it is written after the first poll`;
      write({ level: "info", message, action: "state-created", severity: SEVERITY_SCORE.routine, rolewatch: { state: { path } } });
    },
    warn(action, message, fields) {
      write({ level: "warn", message, action, severity: SEVERITY_SCORE.warning, ...(fields ? { rolewatch: fields } : {}) });
    },
    error(action, message, cause, fields) {
      const extra = cause === undefined ? {} : { error: errorFields(cause) };
      write({ level: "error", message, action, severity: SEVERITY_SCORE.high, extra, ...(fields ? { rolewatch: fields } : {}) });
    },
  };
}
