/**
 * The closed sets that metric label values and event fields are drawn from.
 * A label value is one of these, or a role or profile name; never an
 * AccessKeyId (one series per key would grow without bound).
 */
export const IMDS_ENDPOINTS = ["token", "iam-info", "credentials-list", "credentials", "identity-document"] as const;
export type ImdsEndpoint = (typeof IMDS_ENDPOINTS)[number];

/** Who says which role the instance has: IMDS, STS (the served session), the instance profile. */
export const ROLE_SOURCES = ["imds", "sts", "profile"] as const;
export type RoleSource = (typeof ROLE_SOURCES)[number];

export const STS_OUTCOMES = ["ok", "rejected", "throttled", "denied", "error"] as const;
export type StsOutcome = (typeof STS_OUTCOMES)[number];

export const CONTROL_PLANE_APIS = ["iam", "ec2"] as const;
export type ControlPlaneApi = (typeof CONTROL_PLANE_APIS)[number];

/** `not-found`: the profile or association named by IMDS does not exist (IAM NoSuchEntity). */
export const CONTROL_PLANE_OUTCOMES = ["ok", "throttled", "denied", "not-found", "error"] as const;
export type ControlPlaneOutcome = (typeof CONTROL_PLANE_OUTCOMES)[number];
