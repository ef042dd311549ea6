import { ids, type Random } from "../world/random.js";
import { defaultScenario, type Scenario, type ScenarioInstance, type ScenarioInstanceProfile, type ScenarioRole } from "./scenario.js";
import { SimInputError } from "./validate.js";

/**
 * A fleet: one account of many instances over many instance profiles, to
 * rehearse what reads a whole account (docs/contract.md, Simulator fleet). It
 * grows the field report's world: profile 1 is MyInPr holding RedRole and
 * instance 1 is the field report's, so the field report's commands act on
 * the first profile's instances; profile k is MyInPr-k holding RedRole-k;
 * BlueRole stays spare. Instance i goes to profile i mod M (round-robin).
 */

export interface FleetShape {
  instances: number;
  /** Default defaultFleetProfiles(instances). */
  profiles?: number;
}

/** What one process holds comfortably as a world (the bench reads an account of this size). */
export const MAX_FLEET_INSTANCES = 100_000;
export const MAX_FLEET_PROFILES = 10_000;
/** Fifty instances a profile: the proportion the bench's fleet figures assume (a profile per application tier). */
export const INSTANCES_PER_PROFILE = 50;

export function defaultFleetProfiles(instances: number): number {
  return Math.max(1, Math.ceil(instances / INSTANCES_PER_PROFILE));
}

/** The fleet's scenario; one instance over one profile is exactly defaultScenario(). Fresh ids are drawn from `random`. */
export function fleetScenario(shape: FleetShape, random: Random): Scenario {
  const { instances, profiles = defaultFleetProfiles(shape.instances) } = shape;
  checkCount("instances", instances, MAX_FLEET_INSTANCES);
  checkCount("profiles", profiles, MAX_FLEET_PROFILES);
  const base = defaultScenario();
  const [red, blue] = base.roles as [ScenarioRole, ScenarioRole];
  const [myInPr] = base.instanceProfiles as [ScenarioInstanceProfile];
  const [first] = base.instances as [ScenarioInstance];
  const roles = [red, ...numbered(profiles, (k) => ({ name: `RedRole-${k}` })), blue];
  const instanceProfiles = [myInPr, ...numbered(profiles, (k) => ({ name: `MyInPr-${k}`, role: `RedRole-${k}` }))];
  const seen = new Set([first.instanceId]);
  const fleet = [first];
  for (let i = 1; i < instances; i++) fleet.push(member(i, freshId(random, seen), instanceProfiles[i % profiles]?.name ?? null, base.region));
  return { ...base, roles, instanceProfiles, instances: fleet };
}

/** Items 2 to `count`: the first of each kind is the field report's. */
function numbered<T>(count: number, make: (k: number) => T): T[] {
  return Array.from({ length: count - 1 }, (_, i) => make(i + 2));
}

/** Spread over three zones, each with an address of its own in 10.0.0.0/8 (a default VPC's /16 is too small for the largest fleet). */
function member(i: number, instanceId: string, instanceProfile: string | null, region: string): ScenarioInstance {
  return {
    instanceId,
    state: "running",
    instanceProfile,
    availabilityZone: `${region}${"abc"[i % 3] ?? "a"}`,
    privateIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  };
}

function freshId(random: Random, seen: Set<string | undefined>): string {
  for (;;) {
    const id = ids.instanceId(random);
    if (seen.has(id)) continue;
    seen.add(id);
    return id;
  }
}

function checkCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new SimInputError(`fleet ${name}: must be a whole number from 1 to ${max}, not ${value}`);
}
