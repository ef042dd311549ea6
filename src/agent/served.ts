import type { FoldState } from "../drift/fold.js";
import type { ServedInfo } from "../observe/metrics.js";
import type { Observed } from "./observe.js";

/**
 * What this instance serves, as fleet mode exports it (rolewatch_served_info): the profile of
 * `iam/info`, and the role and RoleId STS confirmed for the AccessKeyId IMDS serves now, empty
 * while it has not. undefined: IMDS could not be read, the series stays as it was; null: the
 * instance is not identified yet.
 */
export function servedInfoOf(observed: Observed, state: FoldState): ServedInfo | null | undefined {
  const { identity, imds } = observed;
  if (identity === null) return null;
  if (!imds.ok) return undefined;
  const { info, credentials } = imds.view;
  const key = credentials && "accessKeyId" in credentials ? credentials.accessKeyId : null;
  // The fold remembers the RoleId of an accepted STS answer about exactly this key (src/drift/facts.ts).
  const confirmed = key !== null && state.drift.sts?.accessKeyId === key ? state.drift.sts : null;
  const sts = observed.aws?.sts;
  const id = sts?.state === "ok" ? sts.value : sts?.state === "failed" ? sts.last : undefined;
  const role = confirmed && id?.principal === "assumed-role" && id.roleId === confirmed.roleId ? id.role : "";
  return {
    instanceId: identity.instanceId,
    account: identity.accountId,
    region: identity.region,
    profileArn: info?.instanceProfileArn ?? "",
    profileId: info?.instanceProfileId ?? "",
    role,
    roleId: role === "" ? "" : (confirmed?.roleId ?? ""),
  };
}
