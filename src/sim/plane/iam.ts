import type { ControlPlane, InstanceProfileRecord, RoleRecord } from "./control-plane.js";
import { profileChanged, roleDeleted } from "../world/delivery-rules.js";
import type { InstanceProfile, Role } from "../world/model.js";
import type { World } from "../world/world.js";
import { iamFaults } from "./faults.js";
import { checkName, checkPolicy, find, profile, role } from "./iam-lookup.js";
import { rolePolicyPlane, type RolePolicyPlane } from "./iam-policies.js";

type RoleProfilePlane = Pick<
  ControlPlane,
  | "createRole"
  | "getRole"
  | "deleteRole"
  | "createInstanceProfile"
  | "getInstanceProfile"
  | "listInstanceProfiles"
  | "deleteInstanceProfile"
  | "addRoleToInstanceProfile"
  | "removeRoleFromInstanceProfile"
>;

export type IamPlane = RoleProfilePlane & RolePolicyPlane;

// Constraints from the IAM API Reference (CreateRole, CreateInstanceProfile).
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PROFILE_NAME = /^[\w+=,.@-]{1,128}$/;
const PATH = /^\/([\x21-\x7e]{0,510}\/)?$/;

/**
 * IAM over the world. Every change first settles what came due, then lets the
 * delivery rules react; each takes the time it is made at, so that a scheduled
 * change (plane/schedule.ts) is made at its own time.
 */
export function iamPlane(world: World): IamPlane {
  return {
    ...rolePolicyPlane(world),
    createRole: (input) => createRole(world, input),
    getRole: (name) => roleRecord(role(world, name)),
    deleteRole: (name) => deleteRole(world, name),
    createInstanceProfile: (input) => createInstanceProfile(world, input),
    getInstanceProfile: (name) => profileRecord(world, profile(world, name)),
    listInstanceProfiles: (pathPrefix) => listInstanceProfiles(world, pathPrefix),
    deleteInstanceProfile: (name) => deleteInstanceProfile(world, name),
    addRoleToInstanceProfile: (profileName, roleName) => addRoleToInstanceProfile(world, profileName, roleName),
    removeRoleFromInstanceProfile: (profileName, roleName) => removeRoleFromInstanceProfile(world, profileName, roleName),
  };
}

function createRole(world: World, input: Parameters<IamPlane["createRole"]>[0]): RoleRecord {
  checkName(input.name, ROLE_NAME, "roleName", 64);
  const path = checkPath(input.path);
  if (find(world.roles, input.name)) throw iamFaults.roleExists(input.name);
  checkPolicy(input.assumeRolePolicyDocument);
  const max = input.maxSessionDuration;
  if (max !== undefined && !(Number.isInteger(max) && max >= 3600 && max <= 43_200)) {
    throw iamFaults.constraint("maxSessionDuration", String(max), "Member must have value between 3600 and 43200");
  }
  const details = { path, assumeRolePolicyDocument: input.assumeRolePolicyDocument, ...defined({ description: input.description, maxSessionDuration: max }) };
  return roleRecord(world.addRole(input.name, undefined, details));
}

/** IAM refuses while a profile holds the role or it has inline policies; its sessions are revoked at once (world/delivery-rules.ts, S5d). */
function deleteRole(world: World, name: string): void {
  world.settleAll();
  const deleted = role(world, name);
  if ([...world.instanceProfiles.values()].some((p) => p.role === deleted.name)) throw iamFaults.deleteConflict();
  if (world.rolePolicies.list(deleted.roleId).length > 0) throw iamFaults.deletePoliciesFirst();
  const now = world.clock.now();
  world.roles.delete(deleted.name);
  world.deletedRoles.set(deleted.roleId, now);
  roleDeleted(world, deleted, now);
}

/** IAM documents no order; name order keeps Marker pages stable while profiles come and go. */
function listInstanceProfiles(world: World, pathPrefix: string): InstanceProfileRecord[] {
  return [...world.instanceProfiles.values()]
    .filter((p) => p.path.startsWith(pathPrefix))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => profileRecord(world, p));
}

/** A name used before, its profile deleted, gets a new id: another profile (IAM User Guide, "Unique identifiers"). */
export function createInstanceProfile(world: World, input: Parameters<IamPlane["createInstanceProfile"]>[0], at = world.clock.now()): InstanceProfileRecord {
  world.settleAll(at);
  checkName(input.name, PROFILE_NAME, "instanceProfileName", 128);
  const path = checkPath(input.path);
  if (find(world.instanceProfiles, input.name)) throw iamFaults.profileExists(input.name);
  const created = world.addInstanceProfile(input.name, undefined, path);
  created.createDate = at;
  return profileRecord(world, created);
}

/**
 * IAM refuses while the profile holds a role, so IMDS has already frozen what it
 * serves (S1). Associations naming it stay, and so does `iam/info`; they no
 * longer deliver a role (World.profileOf, world/delivery-rules.ts, S5f).
 */
export function deleteInstanceProfile(world: World, name: string, at = world.clock.now()): void {
  world.settleAll(at);
  const deleted = profile(world, name);
  if (deleted.role !== null) throw iamFaults.deleteConflict();
  world.instanceProfiles.delete(deleted.name);
}

export function addRoleToInstanceProfile(world: World, profileName: string, roleName: string, at = world.clock.now()): void {
  world.settleAll(at);
  const target = profile(world, profileName);
  const added = role(world, roleName);
  if (target.role !== null) throw iamFaults.profileFull();
  target.role = added.name;
  profileChanged(world, target, at);
}

export function removeRoleFromInstanceProfile(world: World, profileName: string, roleName: string, at = world.clock.now()): void {
  world.settleAll(at);
  const target = profile(world, profileName);
  const removed = role(world, roleName);
  if (target.role !== removed.name) throw iamFaults.roleNotInProfile(roleName, target.name);
  target.role = null;
  profileChanged(world, target, at);
}

function checkPath(path: string | undefined): string {
  if (path === undefined) return "/";
  if (!PATH.test(path)) throw iamFaults.invalidPath();
  return path;
}

export function roleRecord(role: Role): RoleRecord {
  return { ...role };
}

function profileRecord(world: World, p: InstanceProfile): InstanceProfileRecord {
  const held = p.role === null ? undefined : world.roles.get(p.role);
  const { name, path, instanceProfileId, arn, createDate } = p;
  return { name, path, instanceProfileId, arn, createDate, roles: held ? [roleRecord(held)] : [] };
}

function defined<T extends Record<string, unknown>>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
