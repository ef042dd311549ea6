import type { InstanceProfile, Role } from "../world/model.js";
import type { World } from "../world/world.js";
import { iamFaults } from "./faults.js";

// How IAM finds and checks what a request names; constraints from the IAM API Reference and the botocore model.

/** IAM names are unique regardless of case (IAM User Guide, "IAM identifiers"): `redrole` finds `RedRole`. */
export function find<T extends { name: string }>(map: Map<string, T>, name: string): T | undefined {
  const lower = name.toLowerCase();
  return map.get(name) ?? [...map.values()].find((v) => v.name.toLowerCase() === lower);
}

export function role(world: World, name: string): Role {
  const found = find(world.roles, name);
  if (!found) throw iamFaults.noSuchRole(name);
  return found;
}

export function profile(world: World, name: string): InstanceProfile {
  const found = find(world.instanceProfiles, name);
  if (!found) throw iamFaults.noSuchProfile(name);
  return found;
}

export function checkName(name: string, pattern: RegExp, field: string, max: number): void {
  if (name.length > max) throw iamFaults.constraint(field, name, `Member must have length less than or equal to ${max}`);
  if (!pattern.test(name)) throw iamFaults.constraint(field, name, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
}

/** A policy document must be JSON (IAM: MalformedPolicyDocument); the simulator checks no more of its grammar. */
export function checkPolicy(document: string): void {
  try {
    JSON.parse(document);
  } catch {
    throw iamFaults.malformedPolicy();
  }
}
