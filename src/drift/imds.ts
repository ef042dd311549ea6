import type { ImdsFailure } from "../errors.js";
import type { ImdsRead } from "./input.js";

export type { ImdsRead } from "./input.js";

/** What the agent remembers of IMDS between polls, to report changes once. */
export interface ImdsTrack {
  up: boolean | null; // null before the first poll
  downSince: number | null;
  profileArn: string | null;
  role: string | null;
  accessKeyId: string | null;
}

export const initialTrack: ImdsTrack = { up: null, downSince: null, profileArn: null, role: null, accessKeyId: null };

export type ImdsChange =
  | { action: "imds-unavailable"; failure: ImdsFailure; path: string; status?: number }
  | { action: "imds-recovered"; downSeconds: number }
  | { action: "profile-changed"; from: string | null; to: string | null }
  | { action: "role-changed"; from: string | null; to: string | null }
  | { action: "credentials-rotated"; from: string; to: string };

/**
 * Folds one IMDS read into what was known and names what changed. The first
 * successful read sets the baseline and reports nothing. A failed read keeps
 * the last known profile, role and key: missing data changes nothing.
 * A new key under a new role is a role change, not a rotation.
 */
export function trackImds(prev: ImdsTrack, read: ImdsRead, now: number): { track: ImdsTrack; changes: ImdsChange[] } {
  if (!read.ok) {
    if (prev.up === false) return { track: prev, changes: [] };
    const { failure, path, status } = read;
    const change: ImdsChange = status === undefined
      ? { action: "imds-unavailable", failure, path }
      : { action: "imds-unavailable", failure, path, status };
    return { track: { ...prev, up: false, downSince: now }, changes: [change] };
  }
  const { view } = read;
  const profileArn = view.info?.instanceProfileArn ?? null;
  const role = view.role;
  const accessKeyId = view.credentials && "accessKeyId" in view.credentials ? view.credentials.accessKeyId : null;
  const track: ImdsTrack = { up: true, downSince: null, profileArn, role, accessKeyId };
  const changes: ImdsChange[] = [];
  if (prev.up === false && prev.downSince !== null) {
    changes.push({ action: "imds-recovered", downSeconds: Math.round((now - prev.downSince) / 1000) });
  }
  const baseline = prev.up === null || (prev.up === false && prev.role === null && prev.profileArn === null && prev.accessKeyId === null);
  if (baseline) return { track, changes };
  if (profileArn !== prev.profileArn) changes.push({ action: "profile-changed", from: prev.profileArn, to: profileArn });
  if (role !== prev.role) {
    changes.push({ action: "role-changed", from: prev.role, to: role });
  } else if (accessKeyId !== null && prev.accessKeyId !== null && accessKeyId !== prev.accessKeyId) {
    changes.push({ action: "credentials-rotated", from: prev.accessKeyId, to: accessKeyId });
  }
  return { track, changes };
}

/** What the changes make due: STS on a new AccessKeyId, the control plane on any change (docs/contract.md, Observation model). */
export function dueFromChanges(changes: readonly ImdsChange[]): { imdsChanged: boolean; accessKeyIdChanged: boolean } {
  const accessKeyIdChanged = changes.some((c) => c.action === "credentials-rotated" || c.action === "role-changed");
  return { imdsChanged: accessKeyIdChanged || changes.some((c) => c.action === "profile-changed"), accessKeyIdChanged };
}

/** The AccessKeyId IMDS serves in a read; null when it serves none or could not be read. */
export function servedKey(read: ImdsRead): string | null {
  const creds = read.ok ? read.view.credentials : null;
  return creds && "accessKeyId" in creds ? creds.accessKeyId : null;
}
