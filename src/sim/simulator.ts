import type { Clock } from "../clock.js";
import type { AwsApi } from "./aws/index.js";
import type { ApiFault, ApiStats } from "./aws/index.js";
import type { AwsBackend, AwsBackendOptions } from "./backend/index.js";
import type { Fault } from "./imds/faults.js";
import type { HttpTokens } from "./imds/protocol.js";
import type { ImdsStats } from "./imds/stats.js";
import type { ImdsAdminTarget } from "./admin/index.js";
import type { ImdsListener } from "./listeners.js";
import type { ControlPlane } from "./plane/control-plane.js";
import type { ScenarioDelays } from "./scenario/scenario.js";
import type { Scenario } from "./scenario/scenario.js";
import type { ServedCredentials } from "./world/model.js";
import type { TimedRecord } from "./world/timeline.js";
import type { World } from "./world/world.js";

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
  /**
   * A world of many instances over many profiles (scenario/fleet.ts) instead of
   * `scenario`, each instance with an IMDS of its own; `imdsPort`, unless 0, is
   * the first of consecutive ports.
   */
  fleet?: FleetOptions;
}

export interface FleetOptions {
  instances: number;
  /** Default defaultFleetProfiles(instances): one per 50 instances. */
  profiles?: number;
  /** "each" (default): a listener per instance; "first": only the simulator's own instance has one, for a world larger than listeners allow. */
  imds?: "each" | "first";
  /** The field report's delays unless given, as a scenario's `delays` (a rehearsal's shorter swap). */
  delays?: ScenarioDelays;
}

/** One instance's IMDS and what its admin paths do. */
export interface InstanceEndpoint {
  instanceId: string;
  imdsUrl: string;
  control: ImdsAdminTarget;
}

export interface Simulator {
  /** e.g. "http://127.0.0.1:41234", no trailing slash: the IMDS of `instanceId`. */
  imdsUrl: string;
  /** Every instance's IMDS that listens, `instanceId`'s first: one without a fleet. */
  endpoints: readonly InstanceEndpoint[];
  /** The AWS API endpoint for STS, IAM and EC2 alike, e.g. "http://127.0.0.1:41235". */
  awsUrl: string;
  world: World;
  /** The instance whose IMDS is `imdsUrl`, which the methods below act on. */
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
  /** The scenario's scheduled IAM changes: done, failed (with IAM's error) and pending, in time order. */
  schedule(): TimedRecord[];
  /**
   * The clock fault: the simulator's Date headers and signature checks run this
   * many seconds ahead of its clock (behind, when negative); 0 ends it.
   */
  setClockSkew(seconds: number): void;
  clockSkew(): number;
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

/** The running parts of one simulator, as startSimulator wired them. */
export interface SimulatorParts {
  /** `instanceId`'s first. */
  listeners: readonly ImdsListener[];
  instanceId: string;
  world: World;
  controlPlane: ControlPlane;
  aws: AwsApi;
  backend: AwsBackend | undefined;
  closing: AbortController;
}

/** The Simulator handle over its parts; close() is idempotent. */
export function simulatorHandle(parts: SimulatorParts): Simulator {
  const { listeners, instanceId, world, controlPlane, aws, backend, closing } = parts;
  const own = listeners[0];
  if (own?.instanceId !== instanceId) throw new Error(`the first IMDS listener must be instance ${instanceId}'s`);
  const imdsAdmin = own.admin;
  let closed: Promise<void> | undefined;
  return {
    imdsUrl: own.url,
    endpoints: listeners.map((l) => ({ instanceId: l.instanceId, imdsUrl: l.url, control: l.admin })),
    awsUrl: aws.url,
    world,
    instanceId,
    controlPlane,
    ...(backend ? { awsBackend: backend } : {}),
    setFault: imdsAdmin.setFault,
    clearFaults: imdsAdmin.clearFaults,
    faults: imdsAdmin.faults,
    revokeTokens: () => void imdsAdmin.revokeTokens(),
    rotateNow: () => void imdsAdmin.rotateNow(),
    deliver: (role) => void imdsAdmin.deliver(role),
    served: () => world.served(instanceId),
    stats: imdsAdmin.stats,
    schedule: imdsAdmin.schedule,
    setClockSkew: imdsAdmin.setClockSkew,
    clockSkew: imdsAdmin.clockSkew,
    setApiFault: aws.setFault,
    clearApiFaults: aws.clearFaults,
    apiFaults: aws.faults,
    apiStats: aws.stats,
    issuedSecrets: () => [
      ...[...world.sessions.all()].flatMap((s) => [s.secretAccessKey, s.sessionToken]),
      ...listeners.flatMap((l) => l.ctx.tokens.issued()),
    ],
    close: () => {
      closing.abort(new Error("simulator closed"));
      backend?.close();
      closed ??= Promise.all([...listeners.map((l) => l.server.close()), aws.close()]).then(() => undefined);
      return closed;
    },
  };
}
