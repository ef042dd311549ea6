import { systemClock, type Clock } from "../clock.js";
import { CONTROL_PREFIX, handleControl, type ControlTarget } from "./control.js";
import { listen, normalizePath } from "./http.js";
import { FaultSet, type Fault } from "./imds/faults.js";
import { handleImds, type ImdsHandlerContext } from "./imds/handler.js";
import type { HttpTokens } from "./imds/protocol.js";
import { ImdsCounters, type ImdsStats } from "./imds/stats.js";
import { TokenStore } from "./imds/tokens.js";
import type { ServedCredentials } from "./model.js";
import { cryptoRandom, seededRandom } from "./random.js";
import { defaultScenario, type Scenario } from "./scenario.js";
import { SimInputError } from "./validate.js";
import { World } from "./world.js";

export type { Fault } from "./imds/faults.js";
export { parseFault } from "./imds/faults.js";
export type { HttpTokens } from "./imds/protocol.js";
export type { ImdsStats } from "./imds/stats.js";
export { defaultScenario, loadScenario } from "./scenario.js";
export type { Scenario, ScenarioInstance, ScenarioInstanceProfile, ScenarioRole } from "./scenario.js";
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
  /** Default defaultScenario(), the field report's setup. */
  scenario?: Scenario;
  /** Default "required"; "optional" also serves IMDSv1 (token-less reads get distinct IMDSv1 credentials). */
  httpTokens?: HttpTokens;
  /** The instance this IMDS belongs to; default the scenario's first. */
  instanceId?: string;
  /** Mint the same ids, keys and tokens every run. */
  seed?: string;
}

export interface Simulator {
  /** e.g. "http://127.0.0.1:41234", no trailing slash. */
  imdsUrl: string;
  world: World;
  instanceId: string;
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
  const world = new World(options.scenario ?? defaultScenario(), { clock, random });
  const instanceId = options.instanceId ?? world.instances.keys().next().value;
  if (instanceId === undefined) throw new SimInputError("the scenario has no instance");
  world.instance(instanceId); // throws for an instance the scenario lacks
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
  let closed: Promise<void> | undefined;
  const server = await listen(
    (req, res) => {
      const path = normalizePath(req.url);
      return path.startsWith(CONTROL_PREFIX) ? handleControl(control, req, res, path) : handleImds(ctx, req, res, path);
    },
    options.host ?? "127.0.0.1",
    options.imdsPort ?? 0,
  );
  return {
    imdsUrl: server.url,
    world,
    instanceId,
    setFault: control.setFault,
    clearFaults: control.clearFaults,
    faults: control.faults,
    revokeTokens: () => void control.revokeTokens(),
    rotateNow: () => void control.rotateNow(),
    deliver: (role) => void control.deliver(role),
    served: () => world.served(instanceId),
    stats: control.stats,
    issuedSecrets: () => [
      ...[...world.sessions.all()].flatMap((s) => [s.secretAccessKey, s.sessionToken]),
      ...ctx.tokens.issued(),
    ],
    close: () => {
      closing.abort(new Error("simulator closed"));
      closed ??= server.close();
      return closed;
    },
  };
}

function controlTarget(ctx: ImdsHandlerContext): ControlTarget {
  const { world, instanceId, faults, tokens } = ctx;
  return {
    setFault: (fault) => faults.set(fault),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    rotateNow: () => (world.rotate(instanceId) ? world.served(instanceId) : null),
    revokeTokens: () => {
      const revoked = tokens.size;
      tokens.revokeAll();
      return revoked;
    },
    deliver: (role) => (world.deliver(instanceId, role) ? world.served(instanceId) : null),
    freeze: () => {
      world.freeze(instanceId);
      return world.served(instanceId);
    },
    stats: () => ctx.counters.snapshot(tokens.size),
  };
}
