/**
 * IMDS paths and headers (EC2 User Guide, "Instance metadata categories";
 * "How Instance Metadata Service Version 2 works"). Plain constants shared by
 * the agent's client and the simulator: both implement the protocol on their own.
 */
export const TOKEN_PATH = "/latest/api/token";
export const IAM_INFO_PATH = "/latest/meta-data/iam/info";
export const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";
export const CREDENTIALS_EXTENDED_PATH = "/latest/meta-data/iam/security-credentials-extended/";
export const INSTANCE_ID_PATH = "/latest/meta-data/instance-id";
export const IDENTITY_DOCUMENT_PATH = "/latest/dynamic/instance-identity/document";
export const IDENTITY_ROLE_PATH = "/latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance";
export const IDENTITY_ROLE_INFO_PATH = "/latest/meta-data/identity-credentials/ec2/info";

export const TOKEN_HEADER = "x-aws-ec2-metadata-token";
export const TOKEN_TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds";

/** The TTL range IMDS accepts for a token: one second to six hours. */
export const TOKEN_TTL_MIN = 1;
export const TOKEN_TTL_MAX = 21_600;

export const DEFAULT_IMDS_ENDPOINT = "http://169.254.169.254";
