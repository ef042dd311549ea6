/**
 * Where the simulator's answers differ in shape from moto_server's, for the
 * same aws CLI commands (moto-fidelity.test.ts), and why. The test asserts
 * that the differences found are exactly these. `step` "*" matches any step;
 * `path` is the JSON path in the aws CLI output, list indexes included.
 */
import type { Difference } from "./shape.js";

export interface KnownDifference extends Difference {
  reason: string;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    step: "*",
    path: "*.InstanceProfileId",
    moto: "<lower-alnum20>",
    sim: "<AIPA+17>",
    reason: "IAM gives instance profiles unique ids starting AIPA (IAM User Guide, \"Unique identifiers\"); moto draws 20 random lower-case characters.",
  },
  {
    step: "*",
    path: "*.IamInstanceProfile.Id",
    moto: "<lower-alnum20>",
    sim: "<AIPA+17>",
    reason: "The same instance profile id, as EC2 repeats it in the association.",
  },
  {
    step: "*",
    path: "*.CreateDate",
    moto: "<date.6digits>",
    sim: "<date>",
    reason: "IAM prints whole seconds (docs/wire.md, IAM GetInstanceProfile: 2012-05-09T15:45:35Z); moto prints microseconds.",
  },
  {
    step: "*",
    path: "InstanceProfile.Tags",
    moto: "[]",
    sim: "absent",
    reason: "IAM's GetInstanceProfile sample (docs/wire.md, IAM GetInstanceProfile) has no Tags element for an untagged profile; moto sends an empty one.",
  },
  {
    step: "*",
    path: "InstanceProfile.Roles[0].MaxSessionDuration",
    moto: "3600",
    sim: "absent",
    reason: "A role inside an instance profile carries Path, RoleName, RoleId, Arn, CreateDate and AssumeRolePolicyDocument only (docs/wire.md, IAM GetInstanceProfile); moto prints its full role.",
  },
  {
    step: "*",
    path: "InstanceProfile.Roles[0].RoleLastUsed",
    moto: "{}",
    sim: "absent",
    reason: "As above: RoleLastUsed belongs to GetRole's answer, not to a profile's role list.",
  },
  {
    step: "*",
    path: "InstanceProfile.Roles[0].Tags",
    moto: "[]",
    sim: "absent",
    reason: "As above: no Tags element for an untagged role inside a profile.",
  },
  {
    step: "iam list-instance-profiles*",
    path: "InstanceProfiles[*].Tags",
    moto: "[]",
    sim: "absent",
    reason: "IAM's listings return a subset of each resource's attributes and no tags (IAM API Reference, ListInstanceProfiles); moto sends an empty Tags list.",
  },
  {
    step: "iam list-instance-profiles*",
    path: "InstanceProfiles[*].Roles[0].MaxSessionDuration",
    moto: "3600",
    sim: "absent",
    reason: "Each listed profile's role is as in GetInstanceProfile, without MaxSessionDuration; moto prints its full role.",
  },
  {
    step: "iam list-instance-profiles*",
    path: "InstanceProfiles[*].Roles[0].RoleLastUsed",
    moto: "{}",
    sim: "absent",
    reason: "As above: RoleLastUsed belongs to GetRole's answer.",
  },
  {
    step: "iam list-instance-profiles*",
    path: "InstanceProfiles[*].Roles[0].Tags",
    moto: "[]",
    sim: "absent",
    reason: "As above: no tags in a listing.",
  },
  {
    step: "iam create-role",
    path: "Role.MaxSessionDuration",
    moto: "3600",
    sim: "absent",
    reason: "IAM's CreateRole sample answers without MaxSessionDuration; GetRole has it (both simulators agree there).",
  },
  {
    step: "iam create-role",
    path: "Role.RoleLastUsed",
    moto: "{}",
    sim: "absent",
    reason: "IAM's CreateRole sample answers without RoleLastUsed; GetRole has it.",
  },
  {
    step: "*",
    path: "*.Timestamp",
    moto: "absent",
    sim: "<date.3digits>",
    reason: "EC2 sends each association's timestamp (botocore model IamInstanceProfileAssociation.Timestamp, docs/wire.md, EC2 DescribeIamInstanceProfileAssociations); moto leaves it out.",
  },
  {
    step: "sts get-caller-identity (admin)",
    path: "Arn",
    moto: "arn:aws:sts::<account>:user/moto",
    sim: "arn:aws:iam::<account>:user/admin",
    reason: "STS names an IAM user by its IAM ARN; moto answers a fixed user `moto` under sts.",
  },
  {
    step: "sts get-caller-identity (admin)",
    path: "UserId",
    moto: "<AKIA+16>",
    sim: "<AIDA+17>",
    reason: "STS gives an IAM user's unique id (AIDA…); moto echoes the access key id.",
  },
  {
    step: "iam get-role-policy (deleted)",
    path: "Error.Message",
    moto: "Policy Document AWSRevokeOlderSessions not attached to role RedRole",
    sim: "The role policy with name AWSRevokeOlderSessions cannot be found.",
    reason: "IAM's own words, as the aws CLI prints them against AWS (docs/wire.md, IAM inline role policies); moto words GetRolePolicy its own way, though its DeleteRolePolicy uses IAM's.",
  },
  {
    step: "iam delete-instance-profile (gone)",
    path: "Error.Message",
    moto: "Instance profile MyInPr not found",
    sim: "Instance Profile MyInPr cannot be found.",
    reason: "IAM's NoSuchEntity for an instance profile (docs/wire.md, Query errors); moto words it its own way. The code, NoSuchEntity, is the same.",
  },
];

/** Whether a found difference is the known one: same formats, and the step and path match ("*" as a wildcard). */
export function isKnown(found: Difference, known: KnownDifference): boolean {
  const pattern = (text: string) => new RegExp(`^${text.replace(/[.[\]()+?^$|\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return pattern(known.step).test(found.step) && pattern(known.path).test(found.path) && found.moto === known.moto && found.sim === known.sim;
}
