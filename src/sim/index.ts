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
import { handleAdmin, imdsAdminTarget, isAdminPath } from "./admin/index.js";
import { startAwsApi } from "./aws/index.js";
import { AwsBackend } from "./backend/index.js";
import { listen, normalizePath } from "./http.js";
import { FaultSet } from "./imds/faults.js";
import { scenarioVerdicts } from "./imds/verdicts.js";
import { handleImds, type ImdsHandlerContext } from "./imds/handler.js";
import { ImdsCounters } from "./imds/stats.js";
import { TokenStore } from "./imds/tokens.js";
import { scheduleScenario, worldControlPlane } from "./plane/index.js";
import { defaultScenario, type Scenario } from "./scenario/scenario.js";
import { SimInputError } from "./scenario/validate.js";
import { simulatorHandle, type Simulator, type SimulatorOptions } from "./simulator.js";
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

export type { Simulator, SimulatorOptions } from "./simulator.js";

/**
 * IMDS on one loopback port, with the /rolewatch-sim/ admin paths beside it,
 * and the AWS API port (STS, IAM, EC2) on another, both over one world.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? systemClock;
  const random = options.seed === undefined ? cryptoRandom : seededRandom(options.seed);
  const { world, instanceId, backend } = await buildWorld(options, clock, random);
  const closing = new AbortController();
  const skew = new ClockSkew(options.scenario?.clock?.skewSeconds ?? 0);
  const ctx: ImdsHandlerContext = {
    world,
    instanceId,
    tokens: new TokenStore(clock, random),
    httpTokens: options.httpTokens ?? "required",
    counters: new ImdsCounters(),
    faults: startFaults(options.scenario),
    closing: closing.signal,
    skew,
  };
  const imdsAdmin = imdsAdminTarget(ctx);
  const controlPlane = worldControlPlane(world);
  const host = options.host ?? "127.0.0.1";
  const signing = options.signingClocks ? { signingClocks: options.signingClocks } : {};
  const aws = await startAwsApi({ controlPlane, clock, skew, host, port: options.awsPort ?? 0, ...signing }).catch((error: unknown) => {
    backend?.close();
    throw error;
  });
  const admin = { imds: imdsAdmin, api: aws };
  const server = await listen(
    (req, res) => {
      const path = normalizePath(req.url);
      return isAdminPath(path) ? handleAdmin(admin, req, res, path) : handleImds(ctx, req, res, path);
    },
    host,
    options.imdsPort ?? 0,
  ).catch(async (error: unknown) => {
    backend?.close();
    await aws.close();
    throw error;
  });
  return simulatorHandle({ ctx, imdsAdmin, controlPlane, aws, server, backend, closing });
}

/** IMDS's faults at start: the verdicts the scenario asks for, until cleared. */
function startFaults(scenario: Scenario | undefined): FaultSet {
  const faults = new FaultSet();
  for (const fault of scenarioVerdicts(scenario?.imds)) faults.set(fault);
  return faults;
}

/** The scenario's world, or with awsBackend the backend's instance in a world that IMDS serves from the backend. */
async function buildWorld(options: SimulatorOptions, clock: Clock, random: Random): Promise<{ world: World; instanceId: string; backend?: AwsBackend }> {
  const scenario = options.scenario ?? defaultScenario();
  if (options.awsBackend) {
    if (scenario.schedule?.length) throw new SimInputError("a scenario schedule changes the simulator's own IAM; with an AWS backend, make the changes there");
    const backend = await AwsBackend.connect(options.awsBackend, scenario, options.instanceId);
    const world = new World(backend.scenario, { clock, random });
    await backend.follow(world).catch((error: unknown) => {
      backend.close();
      throw error;
    });
    return { world, instanceId: backend.instanceId, backend };
  }
  const world = new World(scenario, { clock, random });
  const instanceId = options.instanceId ?? world.instances.keys().next().value;
  if (instanceId === undefined) throw new SimInputError("the scenario has no instance");
  world.instance(instanceId); // throws for an instance the scenario lacks
  scheduleScenario(world, scenario.schedule ?? []);
  return { world, instanceId };
}
