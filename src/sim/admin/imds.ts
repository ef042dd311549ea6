import type { IncomingMessage, ServerResponse } from "node:http";
import { isoSeconds } from "../../clock.js";
import { readBody, sendJson } from "../http.js";
import { parseFault, type Fault } from "../imds/faults.js";
import type { ImdsStats } from "../imds/stats.js";
import type { ServedCredentials } from "../world/model.js";
import type { TimedRecord } from "../world/timeline.js";
import { isObject, SimInputError } from "../scenario/validate.js";
import { parseSkewBody } from "../skew.js";

/**
 * A path no real IMDS has, so a standalone simulator can be driven with curl:
 *   PUT /rolewatch-sim/faults {"kind":"status","status":503,"count":2}   DELETE /rolewatch-sim/faults
 *   POST /rolewatch-sim/rotate | revoke-tokens | freeze
 *   POST /rolewatch-sim/deliver {"role":"BlueRole"} or {"role":null}      GET /rolewatch-sim/stats
 *   PUT /rolewatch-sim/faults {"kind":"credentials-code","code":"AssumeRoleUnauthorizedAccess"} or {"kind":"extra-roles","roles":["BlueRole"]}
 *   GET /rolewatch-sim/schedule   (the scenario's scheduled IAM changes: done, failed and why, pending)
 *   PUT /rolewatch-sim/clock-skew {"skewSeconds":1200}   GET   DELETE   (the clock fault, src/sim/skew.ts)
 * Faults do not apply to it.
 */
export const ADMIN_PREFIX = "/rolewatch-sim/";

const MAX_BODY_BYTES = 64 * 1024;

export interface ImdsAdminTarget {
  setFault(fault: Fault): void;
  clearFaults(): void;
  faults(): Fault[];
  rotateNow(): ServedCredentials | null;
  revokeTokens(): number;
  deliver(role: string | null): ServedCredentials | null;
  freeze(): ServedCredentials | null;
  stats(): ImdsStats;
  schedule(): TimedRecord[];
  clockSkew(): number;
  setClockSkew(seconds: number): void;
}

type Route = Partial<Record<string, (target: ImdsAdminTarget, body: unknown) => [number, unknown]>>;

const routes: Record<string, Route> = {
  faults: {
    GET: (t) => [200, { faults: t.faults() }],
    PUT: (t, body) => {
      t.setFault(parseFault(body));
      return [200, { faults: t.faults() }];
    },
    DELETE: (t) => {
      t.clearFaults();
      return [200, { faults: [] }];
    },
  },
  rotate: {
    POST: (t) => {
      const result = t.rotateNow();
      return result ? served(result) : [409, { error: "no role is delivered: nothing to rotate" }];
    },
  },
  "revoke-tokens": { POST: (t) => [200, { revoked: t.revokeTokens() }] },
  deliver: { POST: (t, body) => served(t.deliver(roleOf(body))) },
  freeze: { POST: (t) => served(t.freeze()) },
  stats: { GET: (t) => [200, t.stats()] },
  schedule: { GET: (t) => [200, { steps: t.schedule().map((r) => ({ ...r, at: isoSeconds(r.at) })) }] },
  "clock-skew": {
    GET: (t) => [200, { skewSeconds: t.clockSkew() }],
    PUT: (t, body) => {
      t.setClockSkew(parseSkewBody(body));
      return [200, { skewSeconds: t.clockSkew() }];
    },
    DELETE: (t) => {
      t.setClockSkew(0);
      return [200, { skewSeconds: 0 }];
    },
  },
};

export async function handleImdsAdmin(target: ImdsAdminTarget, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const name = path.slice(ADMIN_PREFIX.length);
  const route = Object.hasOwn(routes, name) ? routes[name] : undefined;
  if (!route) return sendJson(res, 404, { error: `no admin path ${path}`, paths: Object.keys(routes).map((r) => ADMIN_PREFIX + r) });
  const method = req.method ?? "GET";
  const action = Object.hasOwn(route, method) ? route[method] : undefined;
  const allow = Object.keys(route).join(", ");
  if (!action) return sendJson(res, 405, { error: `${method} not allowed on ${path} (allowed: ${allow})` }, { Allow: allow });
  try {
    const [status, value] = action(target, await jsonBody(req));
    sendJson(res, status, value);
  } catch (error) {
    if (!(error instanceof SimInputError)) throw error;
    sendJson(res, 400, { error: error.message });
  }
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req, MAX_BODY_BYTES);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SimInputError(`body is not JSON: ${(error as Error).message}`);
  }
}

function roleOf(body: unknown): string | null {
  if (!isObject(body) || !("role" in body) || (body.role !== null && typeof body.role !== "string")) {
    throw new SimInputError('body must be {"role": "<role name>"} or {"role": null}');
  }
  return body.role;
}

/** What IMDS serves after the change: the AccessKeyId identifies it; secrets are not echoed. */
function served(result: ServedCredentials | null): [number, unknown] {
  if (!result) return [200, { role: null }];
  const { role, issue } = result;
  return [200, { role: role.name, roleId: role.roleId, accessKeyId: issue.v2.accessKeyId, lastUpdated: isoSeconds(issue.issuedAt), expiration: isoSeconds(issue.expiresAt) }];
}
