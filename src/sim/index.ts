import { systemClock, type Clock } from "../clock.js";
import { handleApiControl, isApiControlPath } from "./aws/control.js";
import { startAwsApi, type ApiFault, type ApiStats } from "./aws/index.js";
import { AwsBackend, type AwsBackendOptions } from "./backend/index.js";
import { CONTROL_PREFIX, handleControl } from "./control.js";
import type { ControlPlane } from "./control-plane.js";
import { worldControlPlane } from "./control-plane-world.js";
import { controlTarget } from "./control-target.js";
import { listen, normalizePath } from "./http.js";
import { FaultSet, type Fault } from "./imds/faults.js";
import { handleImds, type ImdsHandlerContext } from "./imds/handler.js";
import type { HttpTokens } from "./imds/protocol.js";
import { ImdsCounters, type ImdsStats } from "./imds/stats.js";
import { TokenStore } from "./imds/tokens.js";
import type { ServedCredentials } from "./model.js";
import { cryptoRandom, seededRandom, type Random } from "./random.js";
import { defaultScenario, type Scenario } from "./scenario.js";
import { SimInputError } from "./validate.js";
import { World } from "./world.js";

export type { ApiFault, ApiFaultKind, ApiStats } from "./aws/index.js";
export { parseApiFault } from "./aws/index.js";
export type { Fault } from "./imds/faults.js";
export { parseFault } from "./imds/faults.js";
export type { HttpTokens } from "./imds/protocol.js";
export type { ImdsStats } from "./imds/stats.js";
export type { AwsBackendOptions } from "./backend/index.js";
export { ADMIN_USER_ID, ADMIN_USER_NAME, worldControlPlane } from "./control-plane-world.js";
export { DEFAULT_ADMIN, DEFAULT_DELAYS, defaultScenario, loadScenario } from "./scenario.js";
export type { Scenario, ScenarioAdmin, ScenarioDelays, ScenarioInstance, ScenarioInstanceProfile, ScenarioRole } from "./scenario.js";
export { parseScenario } from "./scenario-parse.js";
export type { Session } from "./sessions.js";
export { World } from "./world.js";
export type { Association, Delivery, Instance, InstanceProfile, Issue, Role, ServedCredentials } from "./model.js";

export interface SimulatorOptions {
  /** Default systemClock; tests pass a ManualClock. */
  clock?: Clock;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  imdsPort?: number;
  /** The AWS API port (STS, IAM, EC2); default 0: a free port. */
  awsPort?: number;
  /**
   * A request signature's date must be within 15 min of one of these; default
   * the simulator's clock and the real time (clients in other processes sign
   * with the real time, an agent in-process with the clock it was given).
   */
  signingClocks?: readonly Clock[];
  /** Default defaultScenario(), the field report's setup. */
  scenario?: Scenario;
  /** Default "required"; "optional" also serves IMDSv1 (token-less reads get distinct IMDSv1 credentials). */
  httpTokens?: HttpTokens;
  /** The instance this IMDS belongs to; default the scenario's first (with awsBackend: the backend's first running one). */
  instanceId?: string;
  /**
   * IMDS serves credentials minted by this AWS implementation (sts:AssumeRole),
   * following the association and profile it holds for the instance; the
   * world then has the backend's account and instance, and no roles of its own.
   */
  awsBackend?: AwsBackendOptions;
  /** Mint the same ids, keys and tokens every run. */
  seed?: string;
}

export interface Simulator {
  /** e.g. "http://127.0.0.1:41234", no trailing slash. */
  imdsUrl: string;
  /** The AWS API endpoint for STS, IAM and EC2 alike, e.g. "http://127.0.0.1:41235". */
  awsUrl: string;
  world: World;
  instanceId: string;
  /** IAM, EC2 and the STS caller lookup over the world, for the AWS API port. */
  controlPlane: ControlPlane;
  /** Present with the awsBackend option. */
  awsBackend?: AwsBackend;
  setFault(fault: Fault): void;
  clearFaults(): void;
  faults(): Fault[];
  /** Forgets every issued token: the next read with an old one gets 401. */
  revokeTokens(): void;
  /** New credentials now, as an hourly rotation would mint them. */
  rotateNow(): void;
  /** IMDS serves `role`'s credentials (new ones) from now on, or none with null. */
  deliver(role: string | null): void;
  /** What IMDS serves now to a token holder. */
  served(): ServedCredentials | null;
  stats(): ImdsStats;
  /** Throttles or denies API calls from now on (docs/contract.md, Simulator admin paths); one per service, kind and action. */
  setApiFault(fault: ApiFault): void;
  clearApiFaults(): void;
  apiFaults(): ApiFault[];
  /** Calls per `service:Action` and errors per code on the AWS API port. */
  apiStats(): ApiStats;
  /**
   * Every secret handed out so far: the secret keys and session tokens of all
   * sessions, and the IMDS tokens. What a leak scan of logs and exports looks for.
   */
  issuedSecrets(): string[];
  /** Closes the server, destroys every open socket, and abandons delayed answers. */
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? systemClock;
  const random = options.seed === undefined ? cryptoRandom : seededRandom(options.seed);
  const { world, instanceId, backend } = await buildWorld(options, clock, random);
  const closing = new AbortController();
  const ctx: ImdsHandlerContext = {
    world,
    instanceId,
    tokens: new TokenStore(clock, random),
    httpTokens: options.httpTokens ?? "required",
    counters: new ImdsCounters(),
    faults: new FaultSet(),
    closing: closing.signal,
  };
  const control = controlTarget(ctx);
  const controlPlane = worldControlPlane(world);
  const host = options.host ?? "127.0.0.1";
  const aws = await startAwsApi({
    controlPlane,
    clock,
    host,
    port: options.awsPort ?? 0,
    ...(options.signingClocks ? { signingClocks: options.signingClocks } : {}),
  }).catch((error: unknown) => {
    backend?.close();
    throw error;
  });
  let closed: Promise<void> | undefined;
  const server = await listen(
    (req, res) => {
      const path = normalizePath(req.url);
      if (isApiControlPath(path)) return handleApiControl(aws, req, res, path);
      return path.startsWith(CONTROL_PREFIX) ? handleControl(control, req, res, path) : handleImds(ctx, req, res, path);
    },
    host,
    options.imdsPort ?? 0,
  ).catch(async (error: unknown) => {
    backend?.close();
    await aws.close();
    throw error;
  });
  return {
    imdsUrl: server.url,
    awsUrl: aws.url,
    world,
    instanceId,
    controlPlane,
    ...(backend ? { awsBackend: backend } : {}),
    setFault: control.setFault,
    clearFaults: control.clearFaults,
    faults: control.faults,
    revokeTokens: () => void control.revokeTokens(),
    rotateNow: () => void control.rotateNow(),
    deliver: (role) => void control.deliver(role),
    served: () => world.served(instanceId),
    stats: control.stats,
    setApiFault: aws.setFault,
    clearApiFaults: aws.clearFaults,
    apiFaults: aws.faults,
    apiStats: aws.stats,
    issuedSecrets: () => [
      ...[...world.sessions.all()].flatMap((s) => [s.secretAccessKey, s.sessionToken]),
      ...ctx.tokens.issued(),
    ],
    close: () => {
      closing.abort(new Error("simulator closed"));
      backend?.close();
      closed ??= Promise.all([server.close(), aws.close()]).then(() => undefined);
      return closed;
    },
  };
}

/** The scenario's world, or with awsBackend the backend's instance in a world that IMDS serves from the backend. */
async function buildWorld(options: SimulatorOptions, clock: Clock, random: Random): Promise<{ world: World; instanceId: string; backend?: AwsBackend }> {
  const scenario = options.scenario ?? defaultScenario();
  if (options.awsBackend) {
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
  return { world, instanceId };
}
