/**
 * The closed sets AWS outcomes are drawn from (src/aws/classify.ts maps every
 * failure onto them); metric labels and event fields use them as written here.
 */
export const STS_OUTCOMES = ["ok", "rejected", "throttled", "denied", "error"] as const;
export type StsOutcome = (typeof STS_OUTCOMES)[number];

export const CONTROL_PLANE_APIS = ["iam", "ec2"] as const;
export type ControlPlaneApi = (typeof CONTROL_PLANE_APIS)[number];

/** `not-found`: the profile or association named by IMDS does not exist (IAM NoSuchEntity). */
export const CONTROL_PLANE_OUTCOMES = ["ok", "throttled", "denied", "not-found", "error"] as const;
export type ControlPlaneOutcome = (typeof CONTROL_PLANE_OUTCOMES)[number];
