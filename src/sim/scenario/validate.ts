import { RolewatchError } from "../../errors.js";

/** A request to the simulator names something it does not have, or is out of shape. */
export class SimInputError extends RolewatchError {}

/**
 * Small checks for untrusted JSON (scenario files, control-path bodies). Each
 * records a problem naming the key and what is allowed, so a caller can report
 * every problem at once instead of the first.
 */
export class Problems {
  readonly list: string[] = [];

  add(where: string, message: string): void {
    this.list.push(`${where}: ${message}`);
  }

  get ok(): boolean {
    return this.list.length === 0;
  }
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function object(value: unknown, where: string, problems: Problems): Json | undefined {
  if (isObject(value)) return value;
  problems.add(where, "must be an object");
  return undefined;
}

/** Unknown keys are reported: a misspelt key would otherwise be silently ignored. */
export function onlyKeys(obj: Json, allowed: readonly string[], where: string, problems: Problems): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.add(`${where}.${key}`, `unknown key (allowed: ${allowed.join(", ")})`);
  }
}

interface StringRule {
  pattern?: RegExp;
  hint?: string;
  oneOf?: readonly string[];
}

export function optionalString(obj: Json, key: string, where: string, problems: Problems, rule: StringRule = {}): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  const at = `${where}.${key}`;
  if (typeof value !== "string") {
    problems.add(at, "must be a string");
    return undefined;
  }
  if (rule.oneOf && !rule.oneOf.includes(value)) {
    problems.add(at, `must be one of ${rule.oneOf.join(", ")} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    problems.add(at, `must be ${rule.hint ?? `like ${rule.pattern.source}`} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return value;
}

export function requiredString(obj: Json, key: string, where: string, problems: Problems, rule: StringRule = {}): string | undefined {
  if (obj[key] === undefined) {
    problems.add(`${where}.${key}`, "is required");
    return undefined;
  }
  return optionalString(obj, key, where, problems, rule);
}

export function optionalInteger(obj: Json, key: string, where: string, problems: Problems, min: number, max: number): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    problems.add(`${where}.${key}`, `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return value;
}

export function array(obj: Json, key: string, where: string, problems: Problems): unknown[] {
  const value = obj[key];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  problems.add(`${where}.${key}`, "must be a list");
  return [];
}
