import type { Caller } from "./control-plane.js";
import { IDENTITY_ROLE_NAME } from "../world/sessions.js";
import type { World } from "../world/world.js";

/** The admin user's name and unique id (IAM User Guide, "Unique identifiers": AIDA for users). */
export const ADMIN_USER_NAME = "admin";
export const ADMIN_USER_ID = "AIDAROLEWATCHSIMADMIN";

/**
 * Who signed with `accessKeyId`: the scenario's admin user, or a session IMDS
 * served. A session is "expired" from its Expiration on (STS: ExpiredToken),
 * else "revoked" once its role was deleted (InvalidClientTokenId, docs/contract.md, Field report, S5),
 * and denied everything but GetCallerIdentity while a policy of its role denies
 * sessions issued before its time (docs/wire.md, Revoked sessions).
 */
export function callerOf(world: World, accessKeyId: string): Caller | null {
  const account = world.accountId;
  if (accessKeyId === world.admin.accessKeyId) {
    const { secretAccessKey } = world.admin;
    const arn = `arn:aws:iam::${account}:user/${ADMIN_USER_NAME}`;
    return { accessKeyId, secretAccessKey, sessionToken: null, status: "valid", arn, userId: ADMIN_USER_ID, account };
  }
  const session = world.sessions.get(accessKeyId);
  if (!session) return null;
  const { roleId, roleName, sessionName, accountId } = session;
  const expired = world.clock.now() >= session.expiresAt;
  const revoked = roleId !== null && world.deletedRoles.has(roleId);
  return {
    accessKeyId,
    secretAccessKey: session.secretAccessKey,
    sessionToken: session.sessionToken,
    status: expired ? "expired" : revoked ? "revoked" : "valid",
    explicitDeny: roleId !== null && world.rolePolicies.denies(roleId, session.issuedAt),
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    // The instance identity role has no RoleId; STS names it `ACCOUNT:aws:ec2-instance:INSTANCE` (docs/wire.md, Instance identity role).
    userId: roleId === null ? `${accountId}:${IDENTITY_ROLE_NAME}:${sessionName}` : `${roleId}:${sessionName}`,
    account: accountId,
  };
}
