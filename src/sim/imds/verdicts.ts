import { isoSeconds } from "../../clock.js";
import type { ScenarioImds } from "../scenario/scenario.js";
import { array, optionalInteger, optionalString, onlyKeys, type Json, type Problems } from "../scenario/validate.js";
import type { Fault, FaultSet } from "./faults.js";
import { awsJson } from "./pages.js";
import type { Answer } from "./protocol.js";

/**
 * IMDS's own verdicts (docs/wire.md, Credentials document): the role's
 * document with a Code other than Success and no keys, as EC2 serves it when it
 * cannot assume the role; and more than one role listed, which EC2 never does.
 * They are faults, so they are set, listed and cleared like the others
 * (docs/contract.md, Simulator admin paths); a scenario's `imds` sets them at start.
 */
export type VerdictFault = Extract<Fault, { kind: "credentials-code" | "extra-roles" }>;

export const CODE = { pattern: /^(?!Success$)[A-Za-z]{1,64}$/, hint: "1-64 letters, not Success (e.g. AssumeRoleUnauthorizedAccess)" };
const ROLE_NAME = { pattern: /^[\w+=,.@-]{1,64}$/, hint: "1-64 letters, digits or +=,.@_-" };
const MAX_EXTRA_ROLES = 10;

const LISTING = /^\/latest\/meta-data\/iam\/security-credentials\/?$/;
const DOCUMENT = /^\/latest\/meta-data\/iam\/security-credentials(-extended)?\/[^/]+$/;

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

/** The faults a scenario's `imds` sets at start, without a count: until cleared. */
export function scenarioVerdicts(imds: ScenarioImds | undefined): VerdictFault[] {
  const faults: VerdictFault[] = [];
  if (imds?.credentialsCode !== undefined) faults.push({ kind: "credentials-code", code: imds.credentialsCode });
  if (imds?.extraRoles !== undefined) faults.push({ kind: "extra-roles", roles: [...imds.extraRoles] });
  return faults;
}

/** The answer with a verdict applied: extra lines on the listing, or the role's document replaced. */
export function withVerdicts(faults: FaultSet, path: string, result: Answer, now: number): Answer {
  if (result.status !== 200) return result;
  const extra = LISTING.test(path) ? faults.take("extra-roles", path) : undefined;
  if (extra) return { ...result, body: [result.body, ...extra.roles].join("\n") };
  const code = DOCUMENT.test(path) ? faults.take("credentials-code", path) : undefined;
  if (code) return { ...result, body: awsJson({ Code: code.code, LastUpdated: isoSeconds(now), Message: `EC2 could not get credentials for the role (simulated ${code.code})` }) };
  return result;
}
