import { isoSeconds } from "../clock.js";
import type { IdentityDocument, ImdsView } from "../imds/types.js";
import type { ImdsRead } from "./imds-track.js";

/**
 * The `check --json` and `/status` object (SPEC 4.2; contract/check-output.schema.json).
 * Field renames break users' tooling. No secret, session token or IMDS token appears here.
 */
export interface CheckReport {
  status: "ok" | "warning" | "critical" | "unknown";
  observedAt: string;
  instance: { id: string; accountId: string; region: string } | null;
  imds: ImdsSection;
  sts: { arn: string; account: string; role: string; roleId: string; session: string } | { error: string } | null;
  profile: { name: string; roles: { name: string; id: string }[] } | { error: string } | null;
  association: { arn: string; state: string } | { error: string } | null;
  drifts: { kind: string; severity: "warning" | "critical"; since: string; detail?: string }[];
}

export interface ImdsSection {
  reachable: boolean;
  error?: string;
  profileArn: string | null;
  profileId: string | null;
  role: string | null;
  accessKeyId: string | null;
  expiration: string | null;
  lastUpdated: string | null;
  code: string | null;
}

export function imdsSection(read: ImdsRead): ImdsSection {
  if (!read.ok) {
    const status = read.status === undefined ? "" : ` (HTTP ${read.status})`;
    return { reachable: false, error: `${read.failure} reading ${read.path}${status}`, ...emptyView };
  }
  return { reachable: true, ...viewFields(read.view) };
}

const emptyView = { profileArn: null, profileId: null, role: null, accessKeyId: null, expiration: null, lastUpdated: null, code: null };

function viewFields(view: ImdsView): Omit<ImdsSection, "reachable" | "error"> {
  const creds = view.credentials;
  const served = creds && "accessKeyId" in creds ? creds : null;
  return {
    profileArn: view.info?.instanceProfileArn ?? null,
    profileId: view.info?.instanceProfileId ?? null,
    role: view.role,
    accessKeyId: served?.accessKeyId ?? null,
    expiration: served ? isoSeconds(served.expiration) : null,
    lastUpdated: creds ? isoSeconds(creds.lastUpdated) : null,
    code: creds?.code ?? null,
  };
}

export function instanceSection(doc: IdentityDocument | null): CheckReport["instance"] {
  return doc ? { id: doc.instanceId, accountId: doc.accountId, region: doc.region } : null;
}
