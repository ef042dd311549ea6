import { systemClock, type Clock } from "../../clock.js";
import type { ControlPlane } from "../plane/control-plane.js";
import { listen } from "../http.js";
import { ClockSkew } from "../skew.js";
import { ApiFaultSet, type ApiFault } from "./faults.js";
import { handleAws } from "./handler.js";
import { ApiCounters, type ApiStats } from "./stats.js";

export type { ApiFault, ApiFaultKind } from "./faults.js";
export { parseApiFault } from "./faults.js";
export type { ApiStats } from "./stats.js";
export type { Service } from "./protocol.js";

export interface AwsApiOptions {
  controlPlane: ControlPlane;
  /** The world's clock; default systemClock. */
  clock?: Clock;
  /**
   * A signature's x-amz-date must be within 15 min of one of these. Default:
   * the world's clock and the real time, because clients outside the process
   * (the aws CLI, an agent in another process) sign with the real time while
   * an agent in-process signs with the clock it was given.
   */
  signingClocks?: readonly Clock[];
  /** The clock fault: moves the Date header and every signing clock by this skew; default none. */
  skew?: ClockSkew;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

/** The AWS API port: STS, IAM and EC2 over the Query protocol, the service told by the SigV4 credential scope (docs/contract.md, Simulator ports). */
export interface AwsApi {
  /** e.g. "http://127.0.0.1:41235", no trailing slash. */
  url: string;
  setFault(fault: ApiFault): void;
  clearFaults(): void;
  faults(): ApiFault[];
  stats(): ApiStats;
  close(): Promise<void>;
}

export async function startAwsApi(options: AwsApiOptions): Promise<AwsApi> {
  const clock = options.clock ?? systemClock;
  const faults = new ApiFaultSet();
  const counters = new ApiCounters();
  const skew = options.skew ?? new ClockSkew();
  const signingClocks = options.signingClocks ?? (clock === systemClock ? [clock] : [clock, systemClock]);
  const ctx = {
    plane: options.controlPlane,
    signingClocks: signingClocks.map((c) => skew.shifted(c)),
    clock: skew.shifted(clock),
    faults,
    counters,
  };
  const server = await listen((req, res) => handleAws(ctx, req, res), options.host ?? "127.0.0.1", options.port ?? 0);
  return {
    url: server.url,
    setFault: (fault) => faults.set(fault),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    stats: () => counters.snapshot(),
    close: () => server.close(),
  };
}
