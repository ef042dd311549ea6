import type { AssociationRecord, ControlPlane, InstanceStateChange, ProfileRef } from "./control-plane.js";
import { disassociated, instanceStarted, instanceStopped } from "../world/delivery-rules.js";
import type { Association, Instance, InstanceProfile } from "../world/model.js";
import type { World } from "../world/world.js";
import { ec2Faults } from "./faults.js";

export type Ec2Plane = Pick<
  ControlPlane,
  | "associateIamInstanceProfile"
  | "disassociateIamInstanceProfile"
  | "replaceIamInstanceProfileAssociation"
  | "describeIamInstanceProfileAssociations"
  | "rebootInstances"
  | "stopInstances"
  | "startInstances"
>;

const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** EC2 instance state codes (EC2 API Reference, InstanceState). */
const STATE = {
  pending: { code: 0, name: "pending" },
  running: { code: 16, name: "running" },
  stopping: { code: 64, name: "stopping" },
  stopped: { code: 80, name: "stopped" },
} as const;

/**
 * EC2 over the world. Stop and start take effect at once (the answer shows
 * `stopping` and `pending`, as EC2's does), so a start right after a stop
 * works without waiting. Associations settle after the association delay.
 */
export function ec2Plane(world: World): Ec2Plane {
  return {
    associateIamInstanceProfile: (instanceId, ref) => associate(world, instanceId, ref),
    disassociateIamInstanceProfile: (associationId) => disassociate(world, associationId),
    replaceIamInstanceProfileAssociation: (associationId, ref) => replace(world, associationId, ref),
    describeIamInstanceProfileAssociations: (filter) => describe(world, filter),
    rebootInstances: (instanceIds) => void instances(world, instanceIds), // S4: a reboot changes nothing IMDS serves
    stopInstances: (instanceIds) => stop(world, instanceIds),
    startInstances: (instanceIds) => start(world, instanceIds),
  };
}

function associate(world: World, instanceId: string, ref: ProfileRef): AssociationRecord {
  world.settleAll();
  instances(world, [instanceId]);
  const instance = world.instance(instanceId);
  const profile = resolveProfile(world, ref);
  if (instance.association) throw ec2Faults.existingAssociation(instanceId);
  return associationRecord(world, world.associate(instance, profile));
}

function disassociate(world: World, associationId: string): AssociationRecord {
  world.settleAll();
  const association = current(world, associationId);
  disassociated(world, world.instance(association.instanceId), world.clock.now());
  return associationRecord(world, association);
}

/** IMDS keeps what it serves until the new association settles (world/delivery-rules.ts, S5b). */
function replace(world: World, associationId: string, ref: ProfileRef): AssociationRecord {
  world.settleAll();
  const old = current(world, associationId);
  const profile = resolveProfile(world, ref);
  old.endedAt = world.clock.now();
  return associationRecord(world, world.associate(world.instance(old.instanceId), profile));
}

/** Finished associations are shown only when asked for, by id or by state. */
function describe(world: World, { associationIds = [], instanceIds = [], states = [] }: Parameters<Ec2Plane["describeIamInstanceProfileAssociations"]>[0]): AssociationRecord[] {
  for (const id of associationIds) if (!world.associations.has(id)) throw ec2Faults.associationNotFound(id);
  const asked = associationIds.length > 0 || states.length > 0;
  return [...world.associations.values()]
    .map((a) => associationRecord(world, a))
    .filter(
      (r) =>
        (associationIds.length === 0 || associationIds.includes(r.associationId)) &&
        (instanceIds.length === 0 || instanceIds.includes(r.instanceId)) &&
        (states.length === 0 || states.includes(r.state)) &&
        (asked || r.state !== "disassociated"),
    );
}

function stop(world: World, instanceIds: string[]): InstanceStateChange[] {
  world.settleAll();
  return instances(world, instanceIds).map((instance) => {
    if (instance.state === "stopped") return change(instance, STATE.stopped, STATE.stopped);
    instanceStopped(world, instance, world.clock.now());
    return change(instance, STATE.running, STATE.stopping);
  });
}

function start(world: World, instanceIds: string[]): InstanceStateChange[] {
  world.settleAll();
  return instances(world, instanceIds).map((instance) => {
    if (instance.state === "running") return change(instance, STATE.running, STATE.running);
    instanceStarted(world, instance, world.clock.now());
    return change(instance, STATE.stopped, STATE.pending);
  });
}

function change(instance: Instance, previous: { code: number; name: string }, current: { code: number; name: string }): InstanceStateChange {
  return { instanceId: instance.instanceId, previous: { ...previous }, current: { ...current } };
}

/** All of them or an error naming every one missing, as EC2 does; nothing is changed on an error. */
function instances(world: World, ids: string[]): Instance[] {
  const malformed = ids.find((id) => !INSTANCE_ID.test(id));
  if (malformed !== undefined) throw ec2Faults.instanceMalformed(malformed);
  const missing = ids.filter((id) => !world.instances.has(id));
  if (missing.length > 0) throw ec2Faults.instancesNotFound(missing);
  return ids.map((id) => world.instance(id));
}

/** An association still in force: not disassociated nor replaced. */
function current(world: World, associationId: string): Association {
  const association = world.associations.get(associationId);
  if (!association || association.endedAt !== null) throw ec2Faults.associationNotFound(associationId);
  return association;
}

function resolveProfile(world: World, ref: ProfileRef): InstanceProfile {
  if (ref.arn !== undefined) {
    const found = [...world.instanceProfiles.values()].find((p) => p.arn === ref.arn);
    if (!found) throw ec2Faults.invalidProfile("arn", ref.arn);
    return found;
  }
  if (ref.name === undefined) throw ec2Faults.missingProfile();
  const found = world.instanceProfiles.get(ref.name);
  if (!found) throw ec2Faults.invalidProfile("name", ref.name);
  return found;
}

function associationRecord(world: World, a: Association): AssociationRecord {
  return {
    associationId: a.associationId,
    instanceId: a.instanceId,
    profileArn: a.profileArn,
    profileId: a.profileId,
    state: world.associationState(a),
    timestamp: a.createdAt,
  };
}
