/**
 * The simulator of IMDS, STS, IAM and EC2 (docs/contract.md, Simulator). Its
 * parts, each in a folder, importing only downwards in this list:
 *   admin/     the /rolewatch-sim/ admin paths, on the IMDS port
 *   imds/      the IMDS port: tokens, paths, bodies, faults
 *   aws/       the AWS API port: the Query protocol, SigV4, XML
 *   backend/   an external AWS implementation standing in for plane/
 *   plane/     the IAM and EC2 control plane over the world, and STS's caller lookup
 *   world/     accounts, roles, profiles, instances, and the delivery rules that decide what IMDS serves
 *   scenario/  the world to start from: its types and defaults, parsed and validated
 */
import { systemClock, type Clock } from "../clock.js";
import { startAwsApi } from "./aws/index.js";
import { AwsBackend } from "./backend/index.js";
import { MAX_FLEET_LISTENERS, startListeners } from "./listeners.js";
import { scheduleScenario, worldControlPlane } from "./plane/index.js";
import { fleetScenario } from "./scenario/fleet.js";
import { defaultScenario, type Scenario } from "./scenario/scenario.js";
import { SimInputError } from "./scenario/validate.js";
import { simulatorHandle, type FleetOptions, type Simulator, type SimulatorOptions } from "./simulator.js";
import { ClockSkew } from "./skew.js";
import { cryptoRandom, seededRandom, type Random } from "./world/random.js";
import { World } from "./world/world.js";

export type { ApiFault, ApiFaultKind, ApiStats } from "./aws/index.js";
export { parseApiFault } from "./aws/index.js";
export type { Fault } from "./imds/faults.js";
export { parseFault } from "./imds/faults.js";
export type { HttpTokens } from "./imds/protocol.js";
export type { ImdsStats } from "./imds/stats.js";
export type { AwsBackendOptions } from "./backend/index.js";
export { ADMIN_USER_ID, ADMIN_USER_NAME, scheduleScenario, worldControlPlane } from "./plane/index.js";
export { DEFAULT_ADMIN, DEFAULT_DELAYS, defaultScenario } from "./scenario/scenario.js";
export { loadScenario } from "./scenario/load.js";
export type { Scenario, ScenarioAdmin, ScenarioClock, ScenarioDelays, ScenarioInstance, ScenarioInstanceProfile, ScenarioRole, ScenarioStep } from "./scenario/scenario.js";
export type { TimedRecord } from "./world/timeline.js";
export { parseScenario } from "./scenario/parse.js";
export type { Session } from "./world/sessions.js";
export { World } from "./world/world.js";
export type { Association, Delivery, Instance, InstanceProfile, Issue, Role, ServedCredentials } from "./world/model.js";

export type { FleetOptions, InstanceEndpoint, Simulator, SimulatorOptions } from "./simulator.js";
export { defaultFleetProfiles, fleetScenario, INSTANCES_PER_PROFILE, MAX_FLEET_INSTANCES, MAX_FLEET_PROFILES } from "./scenario/fleet.js";
export { MAX_FLEET_LISTENERS } from "./listeners.js";
export { endpointsLine, writeEndpointsFile, type EndpointsLine } from "./endpoints.js";

/**
 * IMDS on one loopback port (with `fleet`, one per instance), with the
 * /rolewatch-sim/ admin paths beside it, and the AWS API port (STS, IAM, EC2)
 * on another, all over one world.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? systemClock;
  const random = options.seed === undefined ? cryptoRandom : seededRandom(options.seed);
  const { world, instanceId, backend, scenario } = await buildWorld(options, clock, random);
  const closing = new AbortController();
  const skew = new ClockSkew(scenario.clock?.skewSeconds ?? 0);
  const controlPlane = worldControlPlane(world);
  const host = options.host ?? "127.0.0.1";
  const signing = options.signingClocks ? { signingClocks: options.signingClocks } : {};
  const aws = await startAwsApi({ controlPlane, clock, skew, host, port: options.awsPort ?? 0, ...signing }).catch((error: unknown) => {
    backend?.close();
    throw error;
  });
  const setting = { world, clock, random, httpTokens: options.httpTokens ?? "required", scenario, closing: closing.signal, skew, api: aws, host };
  const listeners = await startListeners(setting, listenedInstances(world, instanceId, options.fleet), options.imdsPort ?? 0).catch(async (error: unknown) => {
    backend?.close();
    await aws.close();
    throw error;
  });
  return simulatorHandle({ listeners, instanceId, world, controlPlane, aws, backend, closing });
}

/** Which instances get an IMDS listener: the simulator's own first, then, in a fleet, every other instance in world order. */
function listenedInstances(world: World, instanceId: string, fleet: FleetOptions | undefined): string[] {
  if (!fleet || fleet.imds === "first") return [instanceId];
  const others = [...world.instances.keys()].filter((id) => id !== instanceId);
  if (others.length + 1 > MAX_FLEET_LISTENERS) throw new SimInputError(`at most ${MAX_FLEET_LISTENERS} IMDS listeners in one process; use imds: "first" for a larger world`);
  return [instanceId, ...others];
}

interface BuiltWorld {
  world: World;
  instanceId: string;
  backend?: AwsBackend;
  /** The scenario the world was built from: the given one, the default, or the fleet's. */
  scenario: Scenario;
}

function fleetWorld(fleet: FleetOptions, random: Random): Scenario {
  const scenario = fleetScenario(fleet, random);
  return fleet.delays ? { ...scenario, delays: { ...scenario.delays, ...fleet.delays } } : scenario;
}

/** The scenario's world (or the fleet's), or with awsBackend the backend's instance in a world that IMDS serves from the backend. */
async function buildWorld(options: SimulatorOptions, clock: Clock, random: Random): Promise<BuiltWorld> {
  if (options.fleet && (options.scenario || options.awsBackend)) throw new SimInputError("a fleet builds its own world: it takes no scenario and no AWS backend");
  const scenario = options.fleet ? fleetWorld(options.fleet, random) : (options.scenario ?? defaultScenario());
  if (options.awsBackend) {
    if (scenario.schedule?.length) throw new SimInputError("a scenario schedule changes the simulator's own IAM; with an AWS backend, make the changes there");
    const backend = await AwsBackend.connect(options.awsBackend, scenario, options.instanceId);
    const world = new World(backend.scenario, { clock, random });
    await backend.follow(world).catch((error: unknown) => {
      backend.close();
      throw error;
    });
    return { world, instanceId: backend.instanceId, backend, scenario };
  }
  const world = new World(scenario, { clock, random });
  const instanceId = options.instanceId ?? world.instances.keys().next().value;
  if (instanceId === undefined) throw new SimInputError("the scenario has no instance");
  world.instance(instanceId); // throws for an instance the scenario lacks
  scheduleScenario(world, scenario.schedule ?? []);
  return { world, instanceId, scenario };
}
