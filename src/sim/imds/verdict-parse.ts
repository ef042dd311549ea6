import type { Fault } from "./fault-types.js";
import { array, optionalInteger, optionalString, onlyKeys, type Json, type Problems } from "../scenario/validate.js";

/** The verdict faults (src/sim/imds/verdicts.ts), as a fault body or a scenario names them. */
export type VerdictFault = Extract<Fault, { kind: "credentials-code" | "extra-roles" }>;

export const CODE = { pattern: /^(?!Success$)[A-Za-z]{1,64}$/, hint: "1-64 letters, not Success (e.g. AssumeRoleUnauthorizedAccess)" };
const ROLE_NAME = { pattern: /^[\w+=,.@-]{1,64}$/, hint: "1-64 letters, digits or +=,.@_-" };
const MAX_EXTRA_ROLES = 10;

/** The extra-roles or credentials-code fault of an untrusted body; problems are added to `problems`. */
export function buildVerdict(obj: Json, kind: VerdictFault["kind"], problems: Problems): VerdictFault | undefined {
  onlyKeys(obj, ["kind", "count", kind === "credentials-code" ? "code" : "roles"], "fault", problems);
  const count = optionalInteger(obj, "count", "fault", problems, 1, Number.MAX_SAFE_INTEGER);
  const scope = count === undefined ? {} : { count };
  if (kind === "credentials-code") {
    if (obj.code === undefined) problems.add("fault.code", "is required for kind credentials-code");
    const code = optionalString(obj, "code", "fault", problems, CODE);
    return code === undefined ? undefined : { kind, code, ...scope };
  }
  const roles = roleNames(obj, "fault", problems);
  return roles === undefined ? undefined : { kind, roles, ...scope };
}

/** A list of 1 to 10 IAM role names under `roles`, or undefined with a problem. */
export function roleNames(obj: Json, where: string, problems: Problems, key = "roles"): string[] | undefined {
  if (obj[key] === undefined) {
    problems.add(`${where}.${key}`, "is required: a list of role names");
    return undefined;
  }
  const list = array(obj, key, where, problems);
  if (list.length < 1 || list.length > MAX_EXTRA_ROLES) problems.add(`${where}.${key}`, `must list 1 to ${MAX_EXTRA_ROLES} role names`);
  const names = list.filter((name): name is string => typeof name === "string" && ROLE_NAME.pattern.test(name));
  if (names.length !== list.length) problems.add(`${where}.${key}`, `must list role names, each ${ROLE_NAME.hint}`);
  return problems.ok ? names : undefined;
}
