import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../http.js";
import { SimInputError } from "../scenario/validate.js";
import { parseApiFault, type ApiFault } from "../aws/faults.js";
import type { ApiStats } from "../aws/stats.js";

/**
 * The API port's part of the simulator's admin paths (beside the IMDS ones, on the IMDS port):
 *   PUT /rolewatch-sim/api-faults {"service":"iam","kind":"throttle","count":3}
 *   GET /rolewatch-sim/api-faults   DELETE /rolewatch-sim/api-faults   GET /rolewatch-sim/api-stats
 */
export const API_ADMIN_PATHS = ["/rolewatch-sim/api-faults", "/rolewatch-sim/api-stats"] as const;

export interface ApiAdminTarget {
  setFault(fault: ApiFault): void;
  clearFaults(): void;
  faults(): ApiFault[];
  stats(): ApiStats;
}

const MAX_BODY_BYTES = 64 * 1024;

export function isApiAdminPath(path: string): boolean {
  return (API_ADMIN_PATHS as readonly string[]).includes(path);
}

export async function handleApiAdmin(target: ApiAdminTarget, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? "GET";
  const allowed = path.endsWith("api-stats") ? ["GET"] : ["GET", "PUT", "DELETE"];
  if (!allowed.includes(method)) return sendJson(res, 405, { error: `${method} not allowed on ${path} (allowed: ${allowed.join(", ")})` }, { Allow: allowed.join(", ") });
  const text = await readBody(req, MAX_BODY_BYTES);
  if (path.endsWith("api-stats")) return sendJson(res, 200, target.stats());
  try {
    if (method === "PUT") target.setFault(parseApiFault(json(text)));
    if (method === "DELETE") target.clearFaults();
    sendJson(res, 200, { faults: target.faults() });
  } catch (error) {
    if (!(error instanceof SimInputError)) throw error;
    sendJson(res, 400, { error: error.message });
  }
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SimInputError(`body is not JSON: ${(error as Error).message}`);
  }
}
