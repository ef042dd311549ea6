import { CredentialChain, EC2_ROTATION } from "./delivery.js";
import type { Instance, WorldModel } from "./model.js";
import { ids } from "./random.js";
import { DEFAULT_ADMIN, DEFAULT_DELAYS, type Scenario, type ScenarioInstance } from "../scenario/scenario.js";
import { IDENTITY_ROLE_NAME } from "./sessions.js";

/** The scenario's rotation policy, delays and admin key pair, defaults filled in. */
export function settings(scenario: Scenario) {
  const { lifetimeSeconds, rotationSeconds } = scenario.credentials ?? {};
  const delays = { ...DEFAULT_DELAYS, ...scenario.delays };
  return {
    policy: {
      lifetimeMs: lifetimeSeconds === undefined ? EC2_ROTATION.lifetimeMs : lifetimeSeconds * 1000,
      rotationMs: rotationSeconds === undefined ? EC2_ROTATION.rotationMs : rotationSeconds * 1000,
    },
    delays: {
      swapMs: delays.swapSeconds * 1000,
      associationMs: delays.associationSeconds * 1000,
      revocationMs: delays.revocationSeconds === undefined ? null : delays.revocationSeconds * 1000,
    },
    admin: scenario.admin ?? DEFAULT_ADMIN,
  };
}

/** Builds the scenario's roles, profiles and instances into an empty world; its associations start settled. */
export function populate(world: WorldModel, scenario: Scenario): void {
  for (const r of scenario.roles) world.addRole(r.name, r.roleId);
  for (const p of scenario.instanceProfiles) {
    world.addInstanceProfile(p.name, p.instanceProfileId).role = p.role ?? null;
  }
  for (const spec of scenario.instances) addInstance(world, spec);
}

export function addInstance(world: WorldModel, spec: ScenarioInstance): Instance {
  const { policy, sessions } = world;
  const instanceId = spec.instanceId ?? ids.instanceId(world.random);
  const launchedAt = spec.launchTime === undefined ? world.clock.now() : Date.parse(spec.launchTime);
  const identitySubject = { accountId: world.accountId, roleName: IDENTITY_ROLE_NAME, roleId: null, sessionName: instanceId, roleDelivery: "2.0" as const };
  const instance: Instance = {
    instanceId,
    state: spec.state ?? "running",
    instanceType: spec.instanceType ?? "t3.micro",
    imageId: spec.imageId ?? "ami-0a1b2c3d4e5f67890",
    availabilityZone: spec.availabilityZone ?? `${world.region}a`,
    privateIp: spec.privateIp ?? "172.31.16.25",
    launchedAt,
    association: null,
    attached: null,
    delivery: null,
    pending: { swapAt: null, revokeAt: null, refreshAt: null },
    identity: new CredentialChain(policy, (at) => sessions.mint(identitySubject, at, policy.lifetimeMs), launchedAt),
  };
  world.instances.set(instanceId, instance);
  const profile = spec.instanceProfile ? world.instanceProfiles.get(spec.instanceProfile) : undefined;
  if (!profile) return instance;
  const association = world.associate(instance, profile, launchedAt);
  association.associatedAt = launchedAt;
  instance.attached = association;
  if (instance.state === "running" && profile.role) world.deliver(instanceId, profile.role, launchedAt);
  return instance;
}
