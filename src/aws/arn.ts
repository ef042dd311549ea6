/**
 * Reading identities out of ARNs. Instance-profile sessions are named after
 * the instance: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/i-…` with UserId
 * `AROA…:i-…` (docs/wire.md, STS GetCallerIdentity; the role's path is not in the ARN). The
 * instance identity role reads `assumed-role/aws:ec2-instance/i-…` with UserId
 * `ACCOUNT:aws:ec2-instance:i-…` (docs/wire.md, Instance identity role).
 */
import { ShapeError } from "./parse.js";

const PARTITION = "aws|aws-cn|aws-us-gov";
const ASSUMED_ROLE = new RegExp(`^arn:(${PARTITION}):sts::(\\d{12}):assumed-role/([^/]+)/([^/]+)$`);
const INSTANCE_PROFILE = new RegExp(`^arn:(?:${PARTITION}):iam::\\d{12}:instance-profile/(?:[^/]+/)*([^/]+)$`);

/** What GetCallerIdentity says about the credentials that signed it. */
export type StsIdentity =
  | {
      /** A role session: what IMDS should always serve. */
      principal: "assumed-role";
      arn: string;
      account: string;
      role: string;
      /** UserId before `:SESSION`: the role's unique id (`AROA…`), which tells a re-created role apart. */
      roleId: string;
      session: string;
    }
  | {
      /** An IAM user, a root or federated-user session: not a role at all (a spoofed or proxied IMDS). */
      principal: "other";
      arn: string;
      account: string;
      userId: string;
    };

export interface AssumedRoleArn {
  partition: string;
  account: string;
  role: string;
  session: string;
}

/** null when `arn` is not an STS assumed-role ARN. */
export function parseAssumedRoleArn(arn: string): AssumedRoleArn | null {
  const m = ASSUMED_ROLE.exec(arn);
  if (!m) return null;
  const [, partition = "", account = "", role = "", session = ""] = m;
  return { partition, account, role, session };
}

/** The RoleId part of `ROLEID:SESSION`; null when the UserId does not end in that session. */
export function roleIdFromUserId(userId: string, session: string): string | null {
  const suffix = `:${session}`;
  if (!userId.endsWith(suffix) || userId.length === suffix.length) return null;
  return userId.slice(0, -suffix.length);
}

/** GetCallerIdentity's three fields as an identity. Throws when an assumed-role ARN comes with a UserId of another session. */
export function toStsIdentity(caller: { arn: string; userId: string; account: string }): StsIdentity {
  const { arn, userId, account } = caller;
  const parsed = parseAssumedRoleArn(arn);
  if (!parsed) return { principal: "other", arn, account, userId };
  const roleId = roleIdFromUserId(userId, parsed.session);
  if (roleId === null) throw new ShapeError("UserId does not end in the session of the assumed-role Arn");
  return { principal: "assumed-role", arn, account, role: parsed.role, roleId, session: parsed.session };
}

/**
 * The instance profile's name: the last segment of
 * `arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME` (a path may have any depth).
 * null when the ARN is not an instance-profile ARN.
 */
export function profileNameFromArn(arn: string): string | null {
  return INSTANCE_PROFILE.exec(arn)?.[1] ?? null;
}
