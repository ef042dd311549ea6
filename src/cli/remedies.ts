import type { CheckReport } from "../agent/report.js";
import type { DriftKind } from "../drift/kinds.js";
import { shellQuote } from "../text.js";

/** What a drift means for the instance, and the commands that end it (the field report's S5), with this instance's ids. */
export interface Explanation {
  meaning: string;
  commands: string[];
}

interface Ids {
  instance: string;
  association: string;
  profile: string;
  role: string;
  now: string;
}

function ids(report: CheckReport, now: string): Ids {
  const assoc = report.association && "associationId" in report.association ? report.association.associationId : undefined;
  const profileArn = report.imds.profileArn;
  return {
    instance: report.instance?.id ?? "INSTANCE_ID",
    association: assoc ?? "ASSOCIATION_ID",
    profile: profileArn?.split("/").pop() ?? "PROFILE_NAME",
    role: report.imds.role ?? "ROLE_NAME",
    now,
  };
}

/**
 * One command line, every argument quoted for the shell: the ids come from
 * IMDS and AWS, and an operator pastes these lines (their formats are checked
 * where they are parsed, src/formats.ts; the quoting holds whatever they are).
 */
const command = (...words: string[]) => words.map(shellQuote).join(" ");

const stopStart = (i: Ids) =>
  [command("aws", "ec2", "stop-instances", "--instance-ids", i.instance), command("aws", "ec2", "wait", "instance-stopped", "--instance-ids", i.instance), command("aws", "ec2", "start-instances", "--instance-ids", i.instance)].join(" && ");
const replace = (i: Ids) => command("aws", "ec2", "replace-iam-instance-profile-association", "--association-id", i.association, "--iam-instance-profile", `Name=${i.profile}`);
const getProfile = (i: Ids) => command("aws", "iam", "get-instance-profile", "--instance-profile-name", i.profile);
const describe = (i: Ids) => command("aws", "ec2", "describe-iam-instance-profile-associations", "--filters", `Name=instance-id,Values=${i.instance}`);
const revokePolicy = (now: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": now } } }] });
const revoke = (i: Ids) => command("aws", "iam", "put-role-policy", "--role-name", i.role, "--policy-name", "AWSRevokeOlderSessions", "--policy-document", revokePolicy(i.now));

// The trust policy EC2 needs to assume a role (IAM User Guide, "Troubleshoot IAM and Amazon EC2", AssumeRoleUnauthorizedAccess).
const EC2_TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

const EXPLAIN: Record<DriftKind, (i: Ids) => Explanation> = {
  profile_role_mismatch: (i) => ({
    meaning: `The instance still acts as ${i.role} although its instance profile now holds another role. IMDS switches by itself within about an hour (the field report measured up to 54 minutes); a reboot does not help. To switch now, stop and start the instance, or give it a new association:`,
    commands: [stopStart(i), replace(i)],
  }),
  profile_empty: (i) => ({
    meaning: `The instance profile holds no role, yet the instance can still act as ${i.role}: IMDS serves the last credentials, unrotated, until they expire (up to 6 hours). Re-adding the same role changes nothing. To cut them off now, revoke the role's older sessions, or stop and start the instance, or remove the association:`,
    commands: [revoke(i), stopStart(i), command("aws", "ec2", "disassociate-iam-instance-profile", "--association-id", i.association)],
  }),
  role_recreated: (i) => ({
    meaning: `${i.role} was deleted and created again: same name, another role (another RoleId). The served session belongs to the old one, whose permissions are gone. To get the new role's credentials now, stop and start the instance, or give it a new association:`,
    commands: [stopStart(i), replace(i)],
  }),
  identity_mismatch: (i) => ({
    meaning: "STS names another role, account or session than IMDS claims to serve, or IMDS lists more than one role (an instance profile holds at most one): something between the instance and IMDS (a proxy, a spoofed endpoint) hands out credentials that are not this instance's. Find what answers on 169.254.169.254 and compare with what AWS says:",
    commands: ["sudo iptables -t nat -S | grep -n 169.254.169.254", describe(i)],
  }),
  association_mismatch: (i) => ({
    meaning: "EC2's association of this instance differs from what IMDS reports, or it is not yet (or no longer) associated. An association that is still `associating` settles in seconds; otherwise see what EC2 holds and replace it:",
    commands: [describe(i), replace(i)],
  }),
  credentials_rejected: (i) => ({
    meaning: `STS refuses the credentials IMDS serves (the role was deleted: revoked sessions are credentials_revoked, since STS still answers them): every AWS call from this instance fails. IMDS refreshes them on its next rotation; to get fresh credentials of the profile's role now:`,
    commands: [stopStart(i), replace(i)],
  }),
  credentials_unavailable: (i) => ({
    meaning: `IMDS serves no credentials for ${i.role}: EC2 could not assume it, so every AWS call from this instance fails. If the role's trust policy does not trust ec2.amazonaws.com (AssumeRoleUnauthorizedAccess), restore it; if the role no longer exists, see what the instance profile holds and give the instance a profile with a role that exists. IMDS picks the change up at its next refresh; a new association makes it deliver now:`,
    commands: [
      command("aws", "iam", "update-assume-role-policy", "--role-name", i.role, "--policy-document", EC2_TRUST),
      command("aws", "iam", "get-role", "--role-name", i.role),
      getProfile(i),
      replace(i),
    ],
  }),
  profile_missing: (i) => ({
    meaning: `The instance profile ${i.profile} that IMDS names no longer exists in IAM: EC2 cannot refresh the instance's credentials, and they stop working when they expire. Create it again (or choose another profile) and give the instance a new association with it, by name:`,
    commands: [
      getProfile(i),
      command("aws", "iam", "create-instance-profile", "--instance-profile-name", i.profile),
      command("aws", "iam", "add-role-to-instance-profile", "--instance-profile-name", i.profile, "--role-name", i.role),
      replace(i),
    ],
  }),
  profile_recreated: (i) => ({
    meaning: `The instance profile ${i.profile} was deleted and created again: same name, another profile (another InstanceProfileId). The instance's association still points at the deleted one, so EC2 cannot refresh its credentials, even if the new profile holds the same role. Give the instance a new association with the profile that exists now, by name:`,
    commands: [getProfile(i), replace(i)],
  }),
  credentials_revoked: (i) => ({
    meaning: `${i.role}'s sessions issued before a time were revoked (the inline policy AWSRevokeOlderSessions), and IMDS still serves credentials issued before it: every AWS call from this instance but STS GetCallerIdentity is denied. IMDS brings new credentials at its next refresh (about hourly); to get them now, stop and start the instance, or give it a new association. See the revocation's time:`,
    commands: [command("aws", "iam", "get-role-policy", "--role-name", i.role, "--policy-name", "AWSRevokeOlderSessions"), stopStart(i), replace(i)],
  }),
  credentials_expiring: (i) => ({
    meaning: "The served credentials are within 5 minutes of their expiry (or past it) and IMDS has not rotated them, though EC2 makes new ones available at least 5 minutes before. Look at IMDS's health; a stop and start makes it deliver anew:",
    commands: [stopStart(i)],
  }),
};

export function explain(kind: DriftKind, report: CheckReport, now: string): Explanation {
  return EXPLAIN[kind](ids(report, now));
}
