import { STEP_ACTIONS, type ScenarioInstanceProfile, type ScenarioRole, type ScenarioStep, type StepAction } from "./scenario.js";
import { keysOf } from "./format.js";
import { object, onlyKeys, optionalInteger, Problems, requiredString, type Json } from "./validate.js";

// Name shapes from the IAM API reference, as parse.ts checks them.
const ROLE_NAME = { pattern: /^[\w+=,.@-]{1,64}$/, hint: "1-64 letters, digits or +=,.@_-" };
const PROFILE_NAME = { pattern: /^[\w+=,.@-]{1,128}$/, hint: "1-128 letters, digits or +=,.@_-" };

/** A week: longer than any credential lives, so every change a scenario plays fits. */
const MAX_AT_SECONDS = 7 * 86_400;

/** What each action names: the keys of its object. */
const ACTION_KEYS: Record<StepAction, readonly ("role" | "instanceProfile")[]> = {
  revokeSessions: ["role"],
  removeRole: ["instanceProfile", "role"],
  addRole: ["instanceProfile", "role"],
  deleteInstanceProfile: ["instanceProfile"],
  createInstanceProfile: ["instanceProfile"],
};

/** `scenario.schedule`: a list of steps, each `atSeconds` and exactly one action. */
export function parseSchedule(value: unknown, problems: Problems): ScenarioStep[] | undefined {
  if (!Array.isArray(value)) {
    problems.add("scenario.schedule", "must be a list");
    return undefined;
  }
  const steps = value.map((v, i) => parseStep(v, `scenario.schedule[${i}]`, problems));
  return steps.every((s) => s !== undefined) ? steps : undefined;
}

function parseStep(value: unknown, where: string, problems: Problems): ScenarioStep | undefined {
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  onlyKeys(obj, keysOf("scenario.schedule[]"), where, problems);
  if (obj.atSeconds === undefined) problems.add(`${where}.atSeconds`, "is required: seconds after the simulator starts");
  const atSeconds = optionalInteger(obj, "atSeconds", where, problems, 0, MAX_AT_SECONDS);
  const actions = STEP_ACTIONS.filter((a) => obj[a] !== undefined);
  if (actions.length !== 1) {
    problems.add(where, `must have exactly one of ${STEP_ACTIONS.join(", ")} (got ${actions.length === 0 ? "none" : actions.join(", ")})`);
    return undefined;
  }
  const [action] = actions as [StepAction];
  const args = parseArgs(obj[action], action, `${where}.${action}`, problems);
  if (atSeconds === undefined || !args) return undefined;
  return { atSeconds, [action]: args } as ScenarioStep;
}

function parseArgs(value: unknown, action: StepAction, where: string, problems: Problems): Json | undefined {
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  const keys = ACTION_KEYS[action];
  onlyKeys(obj, keys, where, problems);
  const args: Json = {};
  for (const key of keys) args[key] = requiredString(obj, key, where, problems, key === "role" ? ROLE_NAME : PROFILE_NAME);
  return Object.values(args).every((v) => v !== undefined) ? args : undefined;
}

/**
 * Plays the steps, in time order, over the scenario's own roles and profiles,
 * and reports each that IAM would refuse at its time. Changes made at run time
 * (the aws CLI) can still make a step fail; it is then skipped and its error kept.
 */
export function checkSchedule(steps: readonly ScenarioStep[], roles: readonly ScenarioRole[], profiles: readonly ScenarioInstanceProfile[], problems: Problems): void {
  const roleNames = new Set(roles.map((r) => r.name));
  const held = new Map(profiles.map((p) => [p.name, p.role ?? null]));
  const order = steps.map((step, i) => ({ step, i })).sort((a, b) => a.step.atSeconds - b.step.atSeconds);
  for (const { step, i } of order) {
    const refusal = refusalOf(step, roleNames, held);
    if (refusal) problems.add(`scenario.schedule[${i}]`, `at ${step.atSeconds} s ${refusal}`);
  }
}

/** Why IAM would refuse the step, or null after applying it to `held`. */
function refusalOf(step: ScenarioStep, roles: Set<string>, held: Map<string, string | null>): string | null {
  const missingRole = (name: string) => (roles.has(name) ? null : `no role named ${JSON.stringify(name)} in scenario.roles`);
  const missingProfile = (name: string) => (held.has(name) ? null : `no instance profile named ${JSON.stringify(name)} (deleted, or never in scenario.instanceProfiles)`);
  if (step.revokeSessions) return missingRole(step.revokeSessions.role);
  if (step.removeRole) {
    const { instanceProfile, role } = step.removeRole;
    const refused = missingProfile(instanceProfile) ?? (held.get(instanceProfile) === role ? null : `instance profile ${JSON.stringify(instanceProfile)} does not hold role ${JSON.stringify(role)}`);
    if (!refused) held.set(instanceProfile, null);
    return refused;
  }
  if (step.addRole) {
    const { instanceProfile, role } = step.addRole;
    const refused = missingProfile(instanceProfile) ?? missingRole(role) ?? (held.get(instanceProfile) === null ? null : `instance profile ${JSON.stringify(instanceProfile)} already holds a role (it can hold one)`);
    if (!refused) held.set(instanceProfile, role);
    return refused;
  }
  if (step.deleteInstanceProfile) {
    const name = step.deleteInstanceProfile.instanceProfile;
    const refused = missingProfile(name) ?? (held.get(name) === null ? null : `instance profile ${JSON.stringify(name)} still holds a role: remove it first (DeleteConflict)`);
    if (!refused) held.delete(name);
    return refused;
  }
  const name = step.createInstanceProfile?.instanceProfile ?? "";
  if (held.has(name)) return `instance profile ${JSON.stringify(name)} already exists (EntityAlreadyExists)`;
  held.set(name, null);
  return null;
}
