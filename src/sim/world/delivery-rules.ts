import type { Delivery, Instance, InstanceProfile, Role, WorldModel } from "./model.js";

/**
 * How IMDS delivers role credentials as the control plane changes, after the
 * field report (docs/contract.md, Field report). Each row is a test named
 * after its id in test/sim/delivery-rules.test.ts. "Profile" is the instance
 * profile of the instance's settled association; "delivered" the role whose
 * credentials IMDS serves, told apart by RoleId.
 *
 * | id  | change                                   | what IMDS serves                                                     | seed says                                   |
 * |-----|------------------------------------------|----------------------------------------------------------------------|---------------------------------------------|
 * | S1  | the profile's role is removed            | the last credentials, unrotated, until they expire, then no role     | "IMDS continued dispensing 'ASIA 123'";     |
 * |     |                                          | (404); `iam/info` keeps the profile; a pending swap is cancelled     | "for up to six hours"                       |
 * | S2  | the delivered role is added back         | nothing changes: the same AccessKeyId goes on; rotation resumes at   | "still dispensing the original credentials" |
 * |     | (or restored during a pending swap)      | the next hourly point of its schedule (at once if that point is      |                                             |
 * |     |                                          | within 5 min of expiry or they expired); a pending swap is cancelled |                                             |
 * | S3  | the profile's role becomes another role  | the delivered role's, rotating as usual, until `delays.swapSeconds`  | "took a staggering 54 minutes"              |
 * |     | (also when nothing is served any more)   | (default 3240 s) after the role was added; then the profile's role,  |                                             |
 * |     |                                          | new at once. A swap passes through an empty profile (IAM holds one   |                                             |
 * |     |                                          | role), which cancels an earlier pending swap (S1): the latest counts |                                             |
 * | S4  | RebootInstances                          | nothing changes                                                      | "'YellowRole' credentials persisted"        |
 * | S5a | StopInstances / StartInstances           | stopped: none; started: the profile's role, new at once, or none     | "stop/start the instance (not reboot)"      |
 * | S5b | AssociateIamInstanceProfile, Replace...  | `associating` for `delays.associationSeconds` (default 5 s), serving | "associate a new instance profile and role" |
 * |     |                                          | what it served before; once `associated`: the profile's role, new    |                                             |
 * | S5c | DisassociateIamInstanceProfile           | at once: no profile (`iam/info` 404), no role                        | the seed's disassociate command             |
 * | S5d | DeleteRole (after removing it from the   | its sessions are revoked at once (STS: InvalidClientTokenId); IMDS   | "delete the role, revoke its sessions"      |
 * |     | profile, as IAM requires)                | serves them until the next hourly point, when its refresh fails:     |                                             |
 * |     |                                          | then the profile's role (new) or no role                             |                                             |
 * | S5e | PutRolePolicy AWSRevokeOlderSessions     | sessions issued before its time are denied every IAM and EC2 action  | "revoke its sessions"; docs/wire.md,        |
 * |     | (IAM's "Revoke active sessions")         | (STS GetCallerIdentity still answers); IMDS serves them until its    | Revoked sessions                            |
 * |     |                                          | next refresh: `delays.revocationSeconds` after the revocation, or    |                                             |
 * |     |                                          | the next hourly point if that comes first (default: that point);     |                                             |
 * |     |                                          | then new ones of the same role. Frozen credentials (S1) are never    |                                             |
 * |     |                                          | refreshed: they stay, revoked, until they expire                     |                                             |
 * | S5f | DeleteInstanceProfile (IAM requires it   | nothing changes: `iam/info` and the association keep the deleted     | this simulator's reading of S1              |
 * |     | empty, so IMDS already froze, S1)        | profile; the last credentials are served, unrotated, until expiry;   |                                             |
 * |     |                                          | a profile re-created under that name is another (new id), not        |                                             |
 * |     |                                          | delivered through the old association                                |                                             |
 * | S6  | a role deleted and re-created, same name | a different role (new RoleId): S3 applies; old sessions keep the old | "can accommodate any role"                  |
 * | S7  | time                                     | new credentials every hour, valid 6 h, never within 5 min of expiry  | docs/wire.md, Credential delivery           |
 */

/** Applies, in time order, every pending delivery due at or before `at`. */
export function settle(world: WorldModel, instance: Instance, at: number): void {
  for (;;) {
    const next = nextDue(instance);
    if (next === null || next.at > at) return;
    if (next.kind === "rotation") {
      instance.pending.refreshAt = null;
      refreshRevoked(instance, next.at);
      continue;
    }
    if (next.kind === "association") instance.attached = instance.association;
    deliverProfileRole(world, instance, next.at);
  }
}

type Due = { at: number; kind: "association" | "refresh" | "rotation" };

function nextDue(instance: Instance): Due | null {
  const { association, attached, pending } = instance;
  const due: Due[] = [];
  if (association && association !== attached) due.push({ at: association.associatedAt, kind: "association" });
  for (const at of [pending.swapAt, pending.revokeAt]) if (at !== null) due.push({ at, kind: "refresh" });
  if (pending.refreshAt !== null) due.push({ at: pending.refreshAt, kind: "rotation" });
  return due.reduce<Due | null>((first, d) => (first === null || d.at < first.at ? d : first), null);
}

/** S5e: new credentials of the delivered role; none for frozen ones (S1: an emptied profile never refreshes). */
function refreshRevoked(instance: Instance, at: number): void {
  const chain = instance.delivery?.chain;
  if (chain && !chain.frozen) chain.rotate(at);
}

/** IMDS fetches credentials for the profile's current role, issued at `at` (S3, S5). */
function deliverProfileRole(world: WorldModel, instance: Instance, at: number): void {
  const profile = instance.attached && world.profileOf(instance.attached);
  const role = instance.state === "running" ? (profile?.role ?? null) : null;
  world.deliver(instance.instanceId, role, at);
}

/** S1, S2, S3, S6: the role held by `profile` changed at `at`. */
export function profileChanged(world: WorldModel, profile: InstanceProfile, at: number): void {
  const role = profile.role === null ? null : (world.roles.get(profile.role) ?? null);
  for (const instance of world.instances.values()) {
    if (instance.state !== "running" || !holds(world, instance, profile)) continue;
    instance.pending.swapAt = followRole(instance.delivery, role?.roleId ?? null, instance.pending.swapAt, at, world.delays.swapMs);
  }
}

/**
 * S1, S2, S3 for one delivery, when its profile's role is `roleId` (null:
 * none) at `at`: freezes or resumes its credentials, and returns when a swap
 * is due (null: none). Shared with the AWS backend's follower.
 */
export function followRole(delivery: Delivery | null, roleId: string | null, swapAt: number | null, at: number, swapMs: number): number | null {
  if (roleId === null) {
    delivery?.chain.freeze(at);
    return null;
  }
  if (roleId === delivery?.role.roleId) {
    delivery.chain.resume(at);
    return null;
  }
  // The delivered role rotates as usual until the swap (S3), but expired credentials are not brought back.
  if (delivery?.chain.at(at)) delivery.chain.resume(at);
  return swapAt ?? at + swapMs;
}

/** Only a settled association follows its profile; a pending one delivers the profile's role when it settles. */
function holds(world: WorldModel, instance: Instance, profile: InstanceProfile): boolean {
  const { attached, association } = instance;
  return attached !== null && attached === association && world.profileOf(attached) === profile;
}

/** S5d: `role` was deleted at `at`. */
export function roleDeleted(world: WorldModel, role: Role, at: number): void {
  for (const instance of world.instances.values()) {
    const chain = instance.delivery?.role.roleId === role.roleId ? instance.delivery.chain : null;
    if (chain) instance.pending.revokeAt ??= chain.nextRotationAfter(at);
  }
}

/**
 * S5e: `role`'s sessions issued before `before` were denied at `at`. IMDS
 * replaces such credentials at its next refresh: the hourly rotation, or
 * `delays.revocationSeconds` after `at` when that is sooner.
 */
export function sessionsRevoked(world: WorldModel, role: Role, before: number, at: number): void {
  const delay = world.delays.revocationMs;
  if (delay === null) return; // the next hourly rotation is the refresh, and it comes anyway
  for (const instance of world.instances.values()) {
    const chain = instance.delivery?.role.roleId === role.roleId ? instance.delivery.chain : null;
    const issue = chain?.at(at);
    if (!chain || chain.frozen || !issue || issue.issuedAt >= before) continue;
    const refreshAt = at + delay;
    const { pending } = instance;
    if (refreshAt < chain.nextRotationAfter(at)) pending.refreshAt = Math.min(pending.refreshAt ?? refreshAt, refreshAt);
  }
}

/** S5a. */
export function instanceStopped(world: WorldModel, instance: Instance, at: number): void {
  instance.state = "stopped";
  world.deliver(instance.instanceId, null, at);
}

/** S5a: a start delivers at once; an association still settling delivers when it settles. */
export function instanceStarted(world: WorldModel, instance: Instance, at: number): void {
  instance.state = "running";
  if (instance.attached !== null && instance.attached === instance.association) deliverProfileRole(world, instance, at);
}

/** S5c. */
export function disassociated(world: WorldModel, instance: Instance, at: number): void {
  if (instance.association) instance.association.endedAt = at;
  instance.association = null;
  instance.attached = null;
  world.deliver(instance.instanceId, null, at);
}
