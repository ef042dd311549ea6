import type { Fault, FaultKind, Scope } from "./fault-types.js";
import { buildVerdict } from "./verdict-parse.js";
import { object, onlyKeys, optionalInteger, optionalString, Problems, SimInputError, type Json } from "../scenario/validate.js";

export type { Fault, FaultKind } from "./fault-types.js";

const FAULT_STATUSES = [500, 502, 503, 429] as const;
const KINDS: readonly FaultKind[] = ["status", "delay", "malformed", "oversized", "reset", "disabled", "credentials-code", "extra-roles"];
const MAX_DELAY_MS = 600_000;
const MAX_OVERSIZED_BYTES = 64 * 1024 * 1024;

/** Checks an untrusted fault description (a control-path body); throws SimInputError naming every problem. */
export function parseFault(value: unknown): Fault {
  const problems = new Problems();
  const obj = object(value, "fault", problems);
  const kind = obj && (optionalString(obj, "kind", "fault", problems, { oneOf: KINDS }) as FaultKind | undefined);
  if (obj && obj.kind === undefined) problems.add("fault.kind", `is required (one of ${KINDS.join(", ")})`);
  const fault = obj && kind ? build(obj, kind, problems) : undefined;
  if (!fault || !problems.ok) throw new SimInputError(`invalid fault: ${problems.list.join("; ")}`);
  return fault;
}

function build(obj: Json, kind: FaultKind, problems: Problems): Fault | undefined {
  if (kind === "disabled") {
    onlyKeys(obj, ["kind"], "fault", problems);
    return { kind };
  }
  if (kind === "credentials-code" || kind === "extra-roles") return buildVerdict(obj, kind, problems);
  const extra = { status: ["status"], delay: ["ms"], oversized: ["bytes"], malformed: [], reset: [] }[kind];
  onlyKeys(obj, ["kind", "count", "path", ...extra], "fault", problems);
  const scope: Scope = {};
  const count = optionalInteger(obj, "count", "fault", problems, 1, Number.MAX_SAFE_INTEGER);
  const path = optionalString(obj, "path", "fault", problems, { pattern: /^\//, hint: "a path starting with /" });
  if (count !== undefined) scope.count = count;
  if (path !== undefined) scope.path = path;
  const required = (key: string, min: number, max: number) => {
    if (obj[key] === undefined) problems.add(`fault.${key}`, `is required for kind ${kind}`);
    return optionalInteger(obj, key, "fault", problems, min, max);
  };
  switch (kind) {
    case "status": {
      const status = required("status", 100, 599);
      if (status === undefined) return undefined;
      if (!(FAULT_STATUSES as readonly number[]).includes(status)) problems.add("fault.status", `must be one of ${FAULT_STATUSES.join(", ")}`);
      return { kind, status: status as Extract<Fault, { kind: "status" }>["status"], ...scope };
    }
    case "delay": {
      const ms = required("ms", 0, MAX_DELAY_MS);
      return ms === undefined ? undefined : { kind, ms, ...scope };
    }
    case "oversized": {
      const bytes = required("bytes", 1, MAX_OVERSIZED_BYTES);
      return bytes === undefined ? undefined : { kind, bytes, ...scope };
    }
    default:
      return { kind, ...scope };
  }
}

/** The faults switched on. One fault per kind and path: setting another replaces it. */
export class FaultSet {
  #active: Fault[] = [];

  set(fault: Fault): void {
    const path = "path" in fault ? fault.path : undefined;
    this.#active = this.#active.filter((f) => f.kind !== fault.kind || ("path" in f ? f.path : undefined) !== path);
    this.#active.push({ ...fault });
  }

  clear(): void {
    this.#active = [];
  }

  /** The active faults, with what is left of their counts. */
  list(): Fault[] {
    return this.#active.map((f) => ({ ...f }));
  }

  /** The first active fault of `kind` that matches `path`, spending one of its count. */
  take<K extends FaultKind>(kind: K, path: string): Extract<Fault, { kind: K }> | undefined {
    const fault = this.#active.find((f) => f.kind === kind && matches(f, path));
    if (!fault) return undefined;
    if (fault.kind !== "disabled" && fault.count !== undefined && --fault.count <= 0) {
      this.#active = this.#active.filter((f) => f !== fault);
    }
    return fault as Extract<Fault, { kind: K }>;
  }
}

function matches(fault: Fault, path: string): boolean {
  return !("path" in fault) || fault.path === undefined || path.startsWith(fault.path);
}
