import type { IncomingMessage, ServerResponse } from "node:http";
import { handleApiAdmin, isApiAdminPath, type ApiAdminTarget } from "./api.js";
import { ADMIN_PREFIX, handleImdsAdmin, type ImdsAdminTarget } from "./imds.js";

export { imdsAdminTarget } from "./target.js";
export type { ApiAdminTarget, ImdsAdminTarget };

/** What the admin paths act on: the simulator's IMDS and its AWS API port. */
export interface AdminTargets {
  imds: ImdsAdminTarget;
  api: ApiAdminTarget;
}

/** The `/rolewatch-sim/` paths no real IMDS has, served on the IMDS port beside it. */
export function isAdminPath(path: string): boolean {
  return path.startsWith(ADMIN_PREFIX);
}

export function handleAdmin(targets: AdminTargets, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (isApiAdminPath(path)) return handleApiAdmin(targets.api, req, res, path);
  return handleImdsAdmin(targets.imds, req, res, path);
}
