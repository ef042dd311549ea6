import type { ImdsAdminTarget } from "./imds.js";
import type { ImdsHandlerContext } from "../imds/handler.js";

/** What the admin paths (`/rolewatch-sim/...`) act on: one simulator's IMDS and its instance. */
export function imdsAdminTarget(ctx: ImdsHandlerContext): ImdsAdminTarget {
  const { world, instanceId, faults, tokens, skew } = ctx;
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
    schedule: () => {
      world.settleAll(); // what came due is applied before it is reported
      return world.timeline.records();
    },
    clockSkew: () => skew.seconds,
    setClockSkew: (seconds) => skew.set(seconds),
  };
}
