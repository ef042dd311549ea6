import { ConfigError } from "../../errors.js";
import {
  MAX_SKEW_SECONDS,
  MIN_ROTATION_HEADROOM_MS,
  type Scenario, type ScenarioAdmin, type ScenarioClock, type ScenarioCredentials, type ScenarioDelays, type ScenarioInstance, type ScenarioImds, type ScenarioInstanceProfile, type ScenarioRole,
} from "./scenario.js";
import { CODE, roleNames } from "../imds/verdict-parse.js";
import { keysOf } from "./format.js";
import { checkSchedule, parseSchedule } from "./schedule-parse.js";
import { array, object, onlyKeys, optionalInteger, optionalString, Problems, requiredString, type Json } from "./validate.js";

// Name and id shapes from the IAM and EC2 API references.
const ROLE_NAME = { pattern: /^[\w+=,.@-]{1,64}$/, hint: "1-64 letters, digits or +=,.@_-" };
const PROFILE_NAME = { pattern: /^[\w+=,.@-]{1,128}$/, hint: "1-128 letters, digits or +=,.@_-" };
const ROLE_ID = { pattern: /^AROA[A-Z0-9]{17}$/, hint: "AROA followed by 17 uppercase letters or digits" };
const PROFILE_ID = { pattern: /^AIPA[A-Z0-9]{17}$/, hint: "AIPA followed by 17 uppercase letters or digits" };
const INSTANCE_ID = { pattern: /^i-([0-9a-f]{8}|[0-9a-f]{17})$/, hint: "i- followed by 17 (or 8) lowercase hex digits" };
const ACCESS_KEY_ID = { pattern: /^AKIA[A-Z0-9]{16}$/, hint: "AKIA followed by 16 uppercase letters or digits" };
const SECRET_KEY = { pattern: /^[A-Za-z0-9/+]{40}$/, hint: "40 letters, digits, / or +" };
const TIMESTAMP = { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, hint: "YYYY-MM-DDTHH:MM:SSZ" };

/** Checks a parsed scenario document; throws ConfigError listing every problem. */
export function parseScenario(value: unknown): Scenario {
  const problems = new Problems();
  const doc = object(value, "scenario", problems);
  if (!doc) throw new ConfigError(problems.list);
  onlyKeys(doc, keysOf("scenario"), "scenario", problems);
  const accountId = requiredString(doc, "accountId", "scenario", problems, { pattern: /^\d{12}$/, hint: "12 digits, quoted in YAML" });
  const region = requiredString(doc, "region", "scenario", problems, { pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, hint: "a region name such as us-east-1" });
  const roles = array(doc, "roles", "scenario", problems).map((r, i) => parseRole(r, `scenario.roles[${i}]`, problems));
  const profiles = array(doc, "instanceProfiles", "scenario", problems).map((p, i) => parseProfile(p, `scenario.instanceProfiles[${i}]`, problems));
  const instances = array(doc, "instances", "scenario", problems).map((x, i) => parseInstance(x, `scenario.instances[${i}]`, problems));
  const credentials = doc.credentials === undefined ? undefined : parseCredentials(doc.credentials, problems);
  const delays = doc.delays === undefined ? undefined : parseDelays(doc.delays, problems);
  const admin = doc.admin === undefined ? undefined : parseAdmin(doc.admin, problems);
  const imds = doc.imds === undefined ? undefined : parseImds(doc.imds, problems);
  const schedule = doc.schedule === undefined ? undefined : parseSchedule(doc.schedule, problems);
  const clock = doc.clock === undefined ? undefined : parseClock(doc.clock, problems);
  if (instances.length === 0) problems.add("scenario.instances", "must list at least one instance (IMDS serves one)");
  checkReferences(roles, profiles, instances, problems);
  if (schedule && problems.ok) checkSchedule(schedule, roles.filter((r) => r !== undefined), profiles.filter((p) => p !== undefined), problems);
  if (!problems.ok || !accountId || !region) throw new ConfigError(problems.list);
  const scenario: Scenario = {
    accountId,
    region,
    roles: roles.filter((r) => r !== undefined),
    instanceProfiles: profiles.filter((p) => p !== undefined),
    instances: instances.filter((x) => x !== undefined),
  };
  if (credentials) scenario.credentials = credentials;
  if (delays) scenario.delays = delays;
  if (admin) scenario.admin = admin;
  if (imds) scenario.imds = imds;
  if (schedule) scenario.schedule = schedule;
  if (clock) scenario.clock = clock;
  return scenario;
}

function parseRole(value: unknown, where: string, problems: Problems): ScenarioRole | undefined {
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  onlyKeys(obj, keysOf("scenario.roles[]"), where, problems);
  const name = requiredString(obj, "name", where, problems, ROLE_NAME);
  const roleId = optionalString(obj, "roleId", where, problems, ROLE_ID);
  if (name === undefined) return undefined;
  return { name, ...withDefined({ roleId }) };
}

function parseProfile(value: unknown, where: string, problems: Problems): ScenarioInstanceProfile | undefined {
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  onlyKeys(obj, keysOf("scenario.instanceProfiles[]"), where, problems);
  const name = requiredString(obj, "name", where, problems, PROFILE_NAME);
  const id = optionalString(obj, "instanceProfileId", where, problems, PROFILE_ID);
  const role = obj.role === null ? null : optionalString(obj, "role", where, problems, ROLE_NAME);
  if (name === undefined) return undefined;
  return { name, ...withDefined({ instanceProfileId: id, role }) };
}

function parseInstance(value: unknown, where: string, problems: Problems): ScenarioInstance | undefined {
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  const text = (key: string, rule = {}) => optionalString(obj, key, where, problems, rule);
  onlyKeys(obj, keysOf("scenario.instances[]"), where, problems);
  return withDefined({
    instanceId: text("instanceId", INSTANCE_ID),
    state: text("state", { oneOf: ["running", "stopped"] }) as ScenarioInstance["state"],
    instanceProfile: obj.instanceProfile === null ? null : text("instanceProfile", PROFILE_NAME),
    instanceType: text("instanceType", { pattern: /^[a-z0-9-]+\.[a-z0-9]+$/, hint: "an instance type such as t3.micro" }),
    imageId: text("imageId", { pattern: /^ami-[0-9a-f]{8,17}$/, hint: "ami- followed by hex digits" }),
    availabilityZone: text("availabilityZone", { pattern: /^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/, hint: "a zone such as us-east-1a" }),
    privateIp: text("privateIp", { pattern: /^\d{1,3}(\.\d{1,3}){3}$/, hint: "an IPv4 address" }),
    launchTime: text("launchTime", TIMESTAMP),
  });
}

function parseCredentials(value: unknown, problems: Problems): ScenarioCredentials | undefined {
  const where = "scenario.credentials" as const;
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  onlyKeys(obj, keysOf(where), where, problems);
  const lifetimeSeconds = optionalInteger(obj, "lifetimeSeconds", where, problems, 900, 43_200);
  const rotationSeconds = optionalInteger(obj, "rotationSeconds", where, problems, 60, 43_200);
  const headroom = MIN_ROTATION_HEADROOM_MS / 1000;
  if ((rotationSeconds ?? 3600) > (lifetimeSeconds ?? 21_600) - headroom) {
    problems.add(`${where}.rotationSeconds`, `must leave at least ${headroom} s before expiry (at most lifetimeSeconds - ${headroom})`);
  }
  return withDefined({ lifetimeSeconds, rotationSeconds });
}

function parseDelays(value: unknown, problems: Problems): ScenarioDelays | undefined {
  const where = "scenario.delays" as const;
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  onlyKeys(obj, keysOf(where), where, problems);
  const swapSeconds = optionalInteger(obj, "swapSeconds", where, problems, 0, 43_200);
  const associationSeconds = optionalInteger(obj, "associationSeconds", where, problems, 0, 3600);
  // As long as the longest rotation a scenario may set: past the next rotation a longer delay changes nothing (world/delivery-rules.ts, S5e).
  const revocationSeconds = optionalInteger(obj, "revocationSeconds", where, problems, 0, 43_200);
  return withDefined({ swapSeconds, associationSeconds, revocationSeconds });
}

function parseAdmin(value: unknown, problems: Problems): ScenarioAdmin | undefined {
  const where = "scenario.admin" as const;
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  onlyKeys(obj, keysOf(where), where, problems);
  const accessKeyId = requiredString(obj, "accessKeyId", where, problems, ACCESS_KEY_ID);
  const secretAccessKey = requiredString(obj, "secretAccessKey", where, problems, SECRET_KEY);
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

function parseImds(value: unknown, problems: Problems): ScenarioImds | undefined {
  const where = "scenario.imds" as const;
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  onlyKeys(obj, keysOf(where), where, problems);
  const credentialsCode = optionalString(obj, "credentialsCode", where, problems, CODE);
  const extraRoles = obj.extraRoles === undefined ? undefined : roleNames(obj, where, problems, "extraRoles");
  return withDefined({ credentialsCode, extraRoles });
}

/** The clock fault from the start (src/sim/skew.ts); PUT /rolewatch-sim/clock-skew changes it. */
function parseClock(value: unknown, problems: Problems): ScenarioClock | undefined {
  const where = "scenario.clock" as const;
  const obj = object(value, where, problems);
  if (!obj) return undefined;
  onlyKeys(obj, keysOf(where), where, problems);
  return withDefined({ skewSeconds: optionalInteger(obj, "skewSeconds", where, problems, -MAX_SKEW_SECONDS, MAX_SKEW_SECONDS) });
}

function checkReferences(
  roles: (ScenarioRole | undefined)[],
  profiles: (ScenarioInstanceProfile | undefined)[],
  instances: (ScenarioInstance | undefined)[],
  problems: Problems,
): void {
  const roleNames = unique(roles.map((r) => r?.name), "scenario.roles", problems);
  const profileNames = unique(profiles.map((p) => p?.name), "scenario.instanceProfiles", problems);
  unique(instances.map((x) => x?.instanceId), "scenario.instances", problems);
  profiles.forEach((p, i) => {
    if (p?.role && !roleNames.has(p.role)) problems.add(`scenario.instanceProfiles[${i}].role`, `no role named ${JSON.stringify(p.role)} in scenario.roles`);
  });
  instances.forEach((x, i) => {
    if (x?.instanceProfile && !profileNames.has(x.instanceProfile)) {
      problems.add(`scenario.instances[${i}].instanceProfile`, `no instance profile named ${JSON.stringify(x.instanceProfile)} in scenario.instanceProfiles`);
    }
  });
}

function unique(names: (string | undefined)[], where: string, problems: Problems): Set<string> {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === undefined) continue;
    if (seen.has(name)) problems.add(where, `${JSON.stringify(name)} appears twice`);
    seen.add(name);
  }
  return seen;
}

/** Drops undefined values, which exactOptionalPropertyTypes keeps apart from absent keys. */
function withDefined<T extends Json>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
