/**
 * rolewatch_served_info, fleet mode's one series of what the instance serves (docs/contract.md,
 * Metrics), for Prometheus to join with `rolewatch account`'s series.
 */
import { Gauge, type Registry } from "prom-client";

/** rolewatch_served_info's labels: never an AccessKeyId. `role` and `roleId` are STS's, "" until it confirmed them. */
export interface ServedInfo {
  instanceId: string;
  account: string;
  region: string;
  profileArn: string;
  profileId: string;
  role: string;
  roleId: string;
}

/** Fleet mode only (controlPlane.source: account): joined in Prometheus with `rolewatch account`'s series. */
function servedInstrument(registry: Registry) {
  return new Gauge({
    name: "rolewatch_served_info",
    help: "What the instance serves: the instance profile IMDS names, and the role and RoleId STS confirmed for the served credentials (empty until it has).",
    labelNames: ["instance_id", "account", "region", "profile_arn", "profile_id", "role", "role_id"] as const,
    registers: [registry],
  });
}

export function servedRecorder(registry: Registry): (info: ServedInfo | null) => void {
  const gauge = servedInstrument(registry);
  return (info) => {
    gauge.reset();
    if (info === null) return;
    const { instanceId, account, region, profileArn, profileId, role, roleId } = info;
    gauge.set({ instance_id: instanceId, account, region, profile_arn: profileArn, profile_id: profileId, role, role_id: roleId }, 1);
  };
}
