/**
 * Reading identities out of ARNs. Instance-profile sessions are named after
 * the instance: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/i-…` with UserId
 * `AROA…:i-…` (docs/wire.md, STS GetCallerIdentity; the role's path is not in the ARN). The
 * instance identity role reads `assumed-role/aws:ec2-instance/i-…` with UserId
 * `ACCOUNT:aws:ec2-instance:i-…` (docs/wire.md, Instance identity role).
 */
import { ACCOUNT_ID, OTHER_USER_ID, PRINCIPAL_ARN, PROFILE_ARN, ROLE_ID, ROLE_NAME, SESSION_NAME } from "../formats.js";

const PARTITION = "aws|aws-cn|aws-us-gov";
const ASSUMED_ROLE = new RegExp(`^arn:(${PARTITION}):sts::(\\d{12}):assumed-role/([^/]+)/([^/]+)$`);

/**
 * What stands for an STS value out of its AWS format (src/formats.ts): an
 * identity nobody can hold, so it never matches what IMDS serves (the
 * `identity_mismatch` drift), and the value itself is never shown.
 */
export const NOT_AWS_FORMAT = "(not in AWS format)";

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

/**
 * GetCallerIdentity's three fields as an identity. A field out of its AWS
 * format (src/formats.ts), or an assumed-role ARN with the UserId of another
 * session, makes the identity "other", with such fields NOT_AWS_FORMAT:
 * whoever answered is not STS, or vouches for a principal that cannot exist.
 */
export function toStsIdentity(caller: { arn: string; userId: string; account: string }): StsIdentity {
  const { arn, userId, account } = caller;
  const parsed = parseAssumedRoleArn(arn);
  const roleId = parsed && roleIdFromUserId(userId, parsed.session);
  if (parsed && roleId !== null && assumedRoleInFormat(parsed, roleId, account)) {
    return { principal: "assumed-role", arn, account, role: parsed.role, roleId, session: parsed.session };
  }
  return {
    principal: "other",
    arn: PRINCIPAL_ARN.test(arn) && !parsed ? arn : NOT_AWS_FORMAT,
    account: ACCOUNT_ID.test(account) ? account : NOT_AWS_FORMAT,
    userId: OTHER_USER_ID.test(userId) && !parsed ? userId : NOT_AWS_FORMAT,
  };
}

/** The instance identity role: not an IAM role, so not in IAM's formats (docs/wire.md, Instance identity role). */
const IDENTITY_ROLE = "aws:ec2-instance";

function assumedRoleInFormat(arn: AssumedRoleArn, roleId: string, account: string): boolean {
  const role = arn.role === IDENTITY_ROLE ? roleId === `${account}:${IDENTITY_ROLE}` : ROLE_NAME.test(arn.role) && ROLE_ID.test(roleId);
  return role && SESSION_NAME.test(arn.session) && account === arn.account && ACCOUNT_ID.test(account);
}

/**
 * The instance profile's name: the last segment of
 * `arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME` (a path may have any depth).
 * null when the ARN is not an instance-profile ARN.
 */
export function profileNameFromArn(arn: string): string | null {
  return PROFILE_ARN.exec(arn)?.[1] ?? null;
}
