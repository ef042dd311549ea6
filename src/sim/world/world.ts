import type { Clock } from "../../clock.js";
import { CredentialChain, type RotationPolicy } from "./delivery.js";
import { settle } from "./delivery-rules.js";
import type { Association, AssociationState, Delays, Delivery, Instance, InstanceProfile, Issue, Role, ServedCredentials, WorldModel } from "./model.js";
import { cryptoRandom, ids, type Random } from "./random.js";
import { RolePolicies } from "./role-policies.js";
import type { Scenario, ScenarioAdmin } from "../scenario/scenario.js";
import { SessionRegistry } from "./sessions.js";
import { SimInputError } from "../scenario/validate.js";
import { populate, settings } from "./populate.js";
import { Timeline } from "./timeline.js";

export interface WorldOptions {
  clock: Clock;
  random?: Random;
}

export type RoleDetails = Partial<Pick<Role, "path" | "assumeRolePolicyDocument" | "description" | "maxSessionDuration">>;

/** The trust policy of a role EC2 can deliver (IAM User Guide, iam-roles-for-amazon-ec2). */
export const EC2_TRUST_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

/**
 * Accounts, roles, instance profiles and instances, and what IMDS delivers to
 * each instance. IMDS reads it; the control plane changes it and the delivery
 * rules (delivery-rules.ts) decide what IMDS serves; STS looks sessions up by
 * AccessKeyId. Changes that come due later are applied when the world is next
 * read at or after their time, so any clock works.
 */
export class World implements WorldModel {
  readonly accountId: string;
  readonly region: string;
  readonly policy: RotationPolicy;
  readonly delays: Delays;
  readonly admin: ScenarioAdmin;
  readonly roles = new Map<string, Role>();
  readonly instanceProfiles = new Map<string, InstanceProfile>();
  readonly instances = new Map<string, Instance>();
  readonly associations = new Map<string, Association>();
  /** RoleId of each deleted role, with when: its sessions are revoked (docs/contract.md, Field report, S5). */
  readonly deletedRoles = new Map<string, number>();
  /** Inline policies by RoleId; one kind of them denies older sessions (role-policies.ts). */
  readonly rolePolicies = new RolePolicies();
  /** Changes set for a time (a scenario's schedule), applied before any read at or after it. */
  readonly timeline = new Timeline();
  readonly sessions: SessionRegistry;
  readonly clock: Clock;
  readonly random: Random;
  /** When the world was built: a scenario's schedule counts from here. */
  readonly startedAt: number;

  constructor(scenario: Scenario, options: WorldOptions) {
    this.clock = options.clock;
    this.startedAt = this.clock.now();
    this.random = options.random ?? cryptoRandom;
    this.sessions = new SessionRegistry(this.random);
    this.accountId = scenario.accountId;
    this.region = scenario.region;
    ({ policy: this.policy, delays: this.delays, admin: this.admin } = settings(scenario));
    populate(this, scenario);
  }

  addRole(name: string, roleId = ids.roleId(this.random), details: RoleDetails = {}): Role {
    const path = details.path ?? "/";
    const role: Role = {
      name,
      roleId,
      arn: `arn:aws:iam::${this.accountId}:role${path}${name}`,
      path,
      createDate: this.clock.now(),
      assumeRolePolicyDocument: details.assumeRolePolicyDocument ?? EC2_TRUST_POLICY,
      maxSessionDuration: details.maxSessionDuration ?? 3600,
      ...(details.description === undefined ? {} : { description: details.description }),
    };
    this.roles.set(name, role);
    return role;
  }

  addInstanceProfile(name: string, instanceProfileId = ids.instanceProfileId(this.random), path = "/"): InstanceProfile {
    const arn = `arn:aws:iam::${this.accountId}:instance-profile${path}${name}`;
    const profile = { name, instanceProfileId, arn, path, createDate: this.clock.now(), role: null };
    this.instanceProfiles.set(name, profile);
    return profile;
  }

  /** A new association, `associating` until the association delay has passed. */
  associate(instance: Instance, profile: InstanceProfile, at = this.clock.now()): Association {
    const association: Association = {
      associationId: ids.associationId(this.random),
      instanceId: instance.instanceId,
      profileName: profile.name,
      profileArn: profile.arn,
      profileId: profile.instanceProfileId,
      createdAt: at,
      associatedAt: at + this.delays.associationMs,
      endedAt: null,
    };
    this.associations.set(association.associationId, association);
    instance.association = association;
    return association;
  }

  associationState(association: Association, at = this.clock.now()): AssociationState {
    if (association.endedAt !== null) return at < association.endedAt + this.delays.associationMs ? "disassociating" : "disassociated";
    return at < association.associatedAt ? "associating" : "associated";
  }

  /** The profile an association names, or null once that profile was deleted (a re-created one is another). */
  profileOf(association: Association): InstanceProfile | null {
    const profile = this.instanceProfiles.get(association.profileName);
    return profile?.instanceProfileId === association.profileId ? profile : null;
  }

  instance(instanceId: string): Instance {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new SimInputError(`no instance ${instanceId}`);
    return instance;
  }

  /** Applies every change and delivery that came due by `at`, on every instance: before any change, so changes apply in order. */
  settleAll(at = this.clock.now()): void {
    this.timeline.run(at, (due) => this.#settleInstances(due));
    this.#settleInstances(at);
  }

  /** IMDS starts serving `roleName`'s credentials (new ones, issued at `at`), or none with null; pending deliveries are dropped. */
  deliver(instanceId: string, roleName: string | null, at = this.clock.now()): Delivery | null {
    const instance = this.instance(instanceId);
    instance.pending = { swapAt: null, revokeAt: null, refreshAt: null };
    if (roleName === null) return (instance.delivery = null);
    const role = this.roles.get(roleName);
    if (!role) throw new SimInputError(`no role named ${JSON.stringify(roleName)} (roles: ${[...this.roles.keys()].join(", ")})`);
    const snapshot = { ...role };
    const chain = new CredentialChain(this.policy, (issuedAt) => this.#mintIssue(instance, snapshot, issuedAt), at);
    return (instance.delivery = { role: snapshot, deliveredAt: at, chain });
  }

  /** IMDS stops rotating: the last credentials are served until they expire, then none (docs/contract.md, Field report, S1). */
  freeze(instanceId: string, at = this.clock.now()): void {
    this.served(instanceId, at);
    this.instance(instanceId).delivery?.chain.freeze(at);
  }

  /** New credentials now, as an hourly rotation would mint them; null when nothing is delivered. */
  rotate(instanceId: string, at = this.clock.now()): Issue | null {
    this.served(instanceId, at);
    return this.instance(instanceId).delivery?.chain.rotate(at) ?? null;
  }

  /** The role and credentials IMDS serves at `at`, or null: no role, or frozen credentials expired. */
  served(instanceId: string, at = this.clock.now()): ServedCredentials | null {
    const instance = this.instance(instanceId);
    this.timeline.run(at, (due) => this.#settleInstances(due));
    settle(this, instance, at);
    const { delivery } = instance;
    const issue = delivery?.chain.at(at);
    return delivery && issue ? { role: delivery.role, issue } : null;
  }

  #settleInstances(at: number): void {
    for (const instance of this.instances.values()) settle(this, instance, at);
  }

  #mintIssue(instance: Instance, role: Role, issuedAt: number): Issue {
    const subject = { accountId: this.accountId, roleName: role.name, roleId: role.roleId, sessionName: instance.instanceId };
    const v2 = this.sessions.mint({ ...subject, roleDelivery: "2.0" }, issuedAt, this.policy.lifetimeMs);
    const v1 = this.sessions.mint({ ...subject, roleDelivery: "1.0" }, issuedAt, this.policy.lifetimeMs);
    return { issuedAt: v2.issuedAt, expiresAt: v2.expiresAt, v2, v1 };
  }
}
