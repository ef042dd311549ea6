import type { Clock } from "../clock.js";
import { CredentialChain, EC2_ROTATION, type RotationPolicy } from "./delivery.js";
import type { Delivery, Instance, InstanceProfile, Issue, Role, ServedCredentials } from "./model.js";
import { cryptoRandom, ids, type Random } from "./random.js";
import type { Scenario, ScenarioInstance } from "./scenario.js";
import { IDENTITY_ROLE_NAME, SessionRegistry } from "./sessions.js";
import { SimInputError } from "./validate.js";

export interface WorldOptions {
  clock: Clock;
  random?: Random;
}

/**
 * Accounts, roles, instance profiles and instances, and what IMDS delivers to
 * each instance. IMDS reads it; a control plane decides deliveries through
 * deliver(), freeze() and rotate(); STS looks sessions up by AccessKeyId.
 */
export class World {
  readonly accountId: string;
  readonly region: string;
  readonly policy: RotationPolicy;
  readonly roles = new Map<string, Role>();
  readonly instanceProfiles = new Map<string, InstanceProfile>();
  readonly instances = new Map<string, Instance>();
  readonly sessions: SessionRegistry;
  readonly clock: Clock;
  readonly random: Random;

  constructor(scenario: Scenario, options: WorldOptions) {
    this.clock = options.clock;
    this.random = options.random ?? cryptoRandom;
    this.sessions = new SessionRegistry(this.random);
    this.accountId = scenario.accountId;
    this.region = scenario.region;
    const { lifetimeSeconds, rotationSeconds } = scenario.credentials ?? {};
    this.policy = {
      lifetimeMs: lifetimeSeconds === undefined ? EC2_ROTATION.lifetimeMs : lifetimeSeconds * 1000,
      rotationMs: rotationSeconds === undefined ? EC2_ROTATION.rotationMs : rotationSeconds * 1000,
    };
    for (const r of scenario.roles) this.addRole(r.name, r.roleId);
    for (const p of scenario.instanceProfiles) {
      const instanceProfileId = p.instanceProfileId ?? ids.instanceProfileId(this.random);
      const arn = `arn:aws:iam::${this.accountId}:instance-profile/${p.name}`;
      this.instanceProfiles.set(p.name, { name: p.name, instanceProfileId, arn, role: p.role ?? null });
    }
    for (const spec of scenario.instances) this.#addInstance(spec);
  }

  addRole(name: string, roleId = ids.roleId(this.random)): Role {
    const role = { name, roleId, arn: `arn:aws:iam::${this.accountId}:role/${name}` };
    this.roles.set(name, role);
    return role;
  }

  instance(instanceId: string): Instance {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new SimInputError(`no instance ${instanceId}`);
    return instance;
  }

  /** IMDS starts serving `roleName`'s credentials (new ones, issued at `at`), or none with null. */
  deliver(instanceId: string, roleName: string | null, at = this.clock.now()): Delivery | null {
    const instance = this.instance(instanceId);
    if (roleName === null) return (instance.delivery = null);
    const role = this.roles.get(roleName);
    if (!role) throw new SimInputError(`no role named ${JSON.stringify(roleName)} (roles: ${[...this.roles.keys()].join(", ")})`);
    const snapshot = { ...role };
    const chain = new CredentialChain(this.policy, (issuedAt) => this.#mintIssue(instance, snapshot, issuedAt), at);
    return (instance.delivery = { role: snapshot, deliveredAt: at, chain });
  }

  /** IMDS stops rotating: the last credentials are served until they expire, then none (SPEC S1). */
  freeze(instanceId: string, at = this.clock.now()): void {
    this.instance(instanceId).delivery?.chain.freeze(at);
  }

  /** New credentials now, as an hourly rotation would mint them; null when nothing is delivered. */
  rotate(instanceId: string, at = this.clock.now()): Issue | null {
    return this.instance(instanceId).delivery?.chain.rotate(at) ?? null;
  }

  /** The role and credentials IMDS serves at `at`, or null: no role, or frozen credentials expired. */
  served(instanceId: string, at = this.clock.now()): ServedCredentials | null {
    const delivery = this.instance(instanceId).delivery;
    const issue = delivery?.chain.at(at);
    return delivery && issue ? { role: delivery.role, issue } : null;
  }

  #mintIssue(instance: Instance, role: Role, issuedAt: number): Issue {
    const subject = { accountId: this.accountId, roleName: role.name, roleId: role.roleId, sessionName: instance.instanceId };
    const v2 = this.sessions.mint({ ...subject, roleDelivery: "2.0" }, issuedAt, this.policy.lifetimeMs);
    const v1 = this.sessions.mint({ ...subject, roleDelivery: "1.0" }, issuedAt, this.policy.lifetimeMs);
    return { issuedAt: v2.issuedAt, expiresAt: v2.expiresAt, v2, v1 };
  }

  #addInstance(spec: ScenarioInstance): void {
    const now = this.clock.now();
    const instanceId = spec.instanceId ?? ids.instanceId(this.random);
    const launchedAt = spec.launchTime === undefined ? now : Date.parse(spec.launchTime);
    const identitySubject = { accountId: this.accountId, roleName: IDENTITY_ROLE_NAME, roleId: null, sessionName: instanceId, roleDelivery: "2.0" as const };
    const instance: Instance = {
      instanceId,
      state: spec.state ?? "running",
      instanceType: spec.instanceType ?? "t3.micro",
      imageId: spec.imageId ?? "ami-0a1b2c3d4e5f67890",
      availabilityZone: spec.availabilityZone ?? `${this.region}a`,
      privateIp: spec.privateIp ?? "172.31.16.25",
      launchedAt,
      association: null,
      delivery: null,
      identity: new CredentialChain(this.policy, (at) => this.sessions.mint(identitySubject, at, this.policy.lifetimeMs), launchedAt),
    };
    this.instances.set(instanceId, instance);
    const profile = spec.instanceProfile ? this.instanceProfiles.get(spec.instanceProfile) : undefined;
    if (!profile) return;
    instance.association = { associationId: ids.associationId(this.random), profileName: profile.name, state: "associated", associatedAt: launchedAt };
    if (instance.state === "running" && profile.role) this.deliver(instanceId, profile.role, launchedAt);
  }
}
