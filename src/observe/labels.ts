/**
 * The roles the role metric and the role-changed event name, by who says so:
 * IMDS, STS (the served session), the instance profile. A label value is one
 * of the closed sets (this one, src/aws/labels.ts, IMDS_ENDPOINTS in
 * src/imds/types.ts), or a role or profile name; never an AccessKeyId (one
 * series per key would grow without bound).
 */
export const ROLE_SOURCES = ["imds", "sts", "profile"] as const;
export type RoleSource = (typeof ROLE_SOURCES)[number];
