import type { ControlPlane, RolePolicyRecord } from "./control-plane.js";
import { sessionsRevoked } from "../world/delivery-rules.js";
import type { World } from "../world/world.js";
import { iamFaults } from "./faults.js";
import { checkName, checkPolicy, role } from "./iam-lookup.js";

export type RolePolicyPlane = Pick<ControlPlane, "putRolePolicy" | "getRolePolicy" | "listRolePolicies" | "deleteRolePolicy">;

// policyNameType in the IAM model: 1-128 of [\w+=,.@-].
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

/** A role's inline policies together may hold this many characters, white space not counted (IAM User Guide, "IAM and AWS STS quotas"). */
export const ROLE_POLICY_QUOTA = 10_240;

/** The policy name IAM's "Revoke active sessions" writes (IAM User Guide, id_roles_use_revoke-sessions). */
export const REVOKE_POLICY_NAME = "AWSRevokeOlderSessions";

/** The document the console attaches: every action denied to sessions issued before `before` (docs/wire.md, Revoked sessions). */
export function revokePolicyDocument(before: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": before } } }],
  });
}

/** IAM's inline role policies over the world (docs/wire.md, IAM inline role policies). */
export function rolePolicyPlane(world: World): RolePolicyPlane {
  return {
    putRolePolicy: (input) => putRolePolicy(world, input),
    getRolePolicy: (roleName, policyName) => getRolePolicy(world, roleName, policyName),
    listRolePolicies: (roleName) => world.rolePolicies.list(role(world, roleName).roleId).map((p) => p.name),
    deleteRolePolicy: (roleName, policyName) => deleteRolePolicy(world, roleName, policyName),
  };
}

/** Adds or replaces the policy; one that denies older sessions reaches IMDS by the revocation rule (world/delivery-rules.ts, S5e). */
export function putRolePolicy(world: World, input: Parameters<RolePolicyPlane["putRolePolicy"]>[0], at = world.clock.now()): void {
  world.settleAll(at);
  checkName(input.policyName, POLICY_NAME, "policyName", 128);
  const target = role(world, input.roleName);
  checkPolicy(input.document);
  const others = world.rolePolicies.list(target.roleId).filter((p) => p.name !== input.policyName);
  const size = [...others.map((p) => p.document), input.document].reduce((sum, d) => sum + d.replace(/\s/g, "").length, 0);
  if (size > ROLE_POLICY_QUOTA) throw iamFaults.rolePolicySize(target.name);
  const policy = world.rolePolicies.put(target.roleId, input.policyName, input.document);
  if (policy.revokesBefore !== null) sessionsRevoked(world, target, policy.revokesBefore, at);
}

function getRolePolicy(world: World, roleName: string, policyName: string): RolePolicyRecord {
  const target = role(world, roleName);
  const policy = world.rolePolicies.get(target.roleId, policyName);
  if (!policy) throw iamFaults.noSuchRolePolicy(policyName);
  return { roleName: target.name, policyName: policy.name, document: policy.document };
}

/** Deleting a deny lifts it at once: sessions it denied are allowed again (policies are evaluated on each request). */
function deleteRolePolicy(world: World, roleName: string, policyName: string): void {
  const target = role(world, roleName);
  if (!world.rolePolicies.delete(target.roleId, policyName)) throw iamFaults.noSuchRolePolicy(policyName);
}
