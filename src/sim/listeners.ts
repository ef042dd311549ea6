import type { Clock } from "../clock.js";
import { handleAdmin, imdsAdminTarget, isAdminPath, type ApiAdminTarget, type ImdsAdminTarget } from "./admin/index.js";
import { listen, normalizePath, type LoopbackServer } from "./http.js";
import { FaultSet } from "./imds/faults.js";
import { handleImds, type ImdsHandlerContext } from "./imds/handler.js";
import type { HttpTokens } from "./imds/protocol.js";
import { ImdsCounters } from "./imds/stats.js";
import { TokenStore } from "./imds/tokens.js";
import { scenarioVerdicts } from "./imds/verdicts.js";
import type { Scenario } from "./scenario/scenario.js";
import { SimInputError } from "./scenario/validate.js";
import type { ClockSkew } from "./skew.js";
import type { Random } from "./world/random.js";
import type { World } from "./world/world.js";

/** One instance's IMDS: its own port, tokens, faults and counters, with the admin paths for it beside. */
export interface ImdsListener {
  instanceId: string;
  url: string;
  ctx: ImdsHandlerContext;
  admin: ImdsAdminTarget;
  server: LoopbackServer;
}

/** What every listener of one simulator shares: the world, its clock and clock fault, and the API port's admin paths. */
export interface ListenerSetting {
  world: World;
  clock: Clock;
  random: Random;
  httpTokens: HttpTokens;
  scenario: Scenario | undefined;
  closing: AbortSignal;
  skew: ClockSkew;
  api: ApiAdminTarget;
  host: string;
}

/** Each listener holds a file descriptor, and each of its connections another: the process's RLIMIT_NOFILE must allow for them. */
export const MAX_FLEET_LISTENERS = 10_000;

/** Listeners opened at once: enough to start a thousand quickly, few enough not to crowd the accept queue. */
const BATCH = 64;

/**
 * An IMDS listener per instance, in order. Port 0 gives each a free port;
 * another port is the first of consecutive ones. If one cannot listen, those
 * opened are closed again and the error is thrown.
 */
export async function startListeners(setting: ListenerSetting, instanceIds: readonly string[], firstPort: number): Promise<ImdsListener[]> {
  if (firstPort !== 0 && firstPort + instanceIds.length - 1 > 65_535) {
    throw new SimInputError(`${instanceIds.length} IMDS ports from ${firstPort} would pass 65535; use port 0 for free ports`);
  }
  const started: ImdsListener[] = [];
  try {
    for (let from = 0; from < instanceIds.length; from += BATCH) {
      const batch = instanceIds.slice(from, from + BATCH).map((id, i) => startListener(setting, id, firstPort === 0 ? 0 : firstPort + from + i));
      const settled = await Promise.allSettled(batch);
      for (const result of settled) if (result.status === "fulfilled") started.push(result.value);
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
    }
  } catch (error) {
    await Promise.all(started.map((l) => l.server.close()));
    throw error;
  }
  return started;
}

async function startListener(setting: ListenerSetting, instanceId: string, port: number): Promise<ImdsListener> {
  const ctx: ImdsHandlerContext = {
    world: setting.world,
    instanceId,
    tokens: new TokenStore(setting.clock, setting.random),
    httpTokens: setting.httpTokens,
    counters: new ImdsCounters(),
    faults: startFaults(setting.scenario),
    closing: setting.closing,
    skew: setting.skew,
  };
  const admin = imdsAdminTarget(ctx);
  const targets = { imds: admin, api: setting.api };
  const server = await listen(
    (req, res) => {
      const path = normalizePath(req.url);
      return isAdminPath(path) ? handleAdmin(targets, req, res, path) : handleImds(ctx, req, res, path);
    },
    setting.host,
    port,
  );
  return { instanceId, url: server.url, ctx, admin, server };
}

/** IMDS's faults at start: the verdicts the scenario asks for, until cleared; each instance's its own. */
function startFaults(scenario: Scenario | undefined): FaultSet {
  const faults = new FaultSet();
  for (const fault of scenarioVerdicts(scenario?.imds)) faults.set(fault);
  return faults;
}
