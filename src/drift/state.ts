import type { DriftKind } from "./kinds.js";

/** An open drift: since when it has shown, and what it last showed. */
export interface OpenDrift {
  since: number;
  detail: string;
}

/**
 * What the agent keeps across restarts (a reboot does not end a drift, docs/contract.md, Field report,
 * S4). Versioned: the store refuses a version it does not know.
 */
export interface DriftState {
  version: 1;
  open: Partial<Record<DriftKind, OpenDrift>>;
  /** IMDS as last read: changes to these are reported once. */
  imds: { profileArn: string | null; role: string | null; accessKeyId: string | null } | null;
  /** RoleId STS gave for the AccessKeyId IMDS served, kept when STS later rejects the key. */
  sts: { accessKeyId: string; roleId: string } | null;
}

export const STATE_VERSION = 1;

export function emptyState(): DriftState {
  return { version: STATE_VERSION, open: {}, imds: null, sts: null };
}
