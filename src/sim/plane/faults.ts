import { AwsFault } from "./control-plane.js";

/**
 * The errors IAM and EC2 answer, with the codes, statuses and messages the
 * real services use where they are known (IAM and EC2 API References, error
 * sections; messages as quoted in public issue threads). Where a message is
 * not documented the wording is this simulator's own, in the same style.
 */

export const iamFaults = {
  noSuchRole: (name: string) => new AwsFault("NoSuchEntity", `The role with name ${name} cannot be found.`, 404),
  noSuchProfile: (name: string) => new AwsFault("NoSuchEntity", `Instance Profile ${name} cannot be found.`, 404),
  roleNotInProfile: (role: string, profile: string) =>
    new AwsFault("NoSuchEntity", `The role with name ${role} cannot be found in instance profile ${profile}.`, 404),
  roleExists: (name: string) => new AwsFault("EntityAlreadyExists", `Role with name ${name} already exists.`, 409),
  profileExists: (name: string) => new AwsFault("EntityAlreadyExists", `Instance Profile ${name} already exists.`, 409),
  /** Both DeleteRole and DeleteInstanceProfile answer this while a profile holds the role. */
  deleteConflict: () => new AwsFault("DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.", 409),
  /** DeleteRole while the role has inline policies. */
  deletePoliciesFirst: () => new AwsFault("DeleteConflict", "Cannot delete entity, must delete policies first.", 409),
  noSuchRolePolicy: (name: string) => new AwsFault("NoSuchEntity", `The role policy with name ${name} cannot be found.`, 404),
  rolePolicySize: (role: string) => new AwsFault("LimitExceeded", `Maximum policy size of 10240 bytes exceeded for role ${role}`, 409),
  profileFull: () => new AwsFault("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409),
  malformedPolicy: () => new AwsFault("MalformedPolicyDocument", "This policy contains invalid Json", 400),
  invalidPath: () =>
    new AwsFault("ValidationError", "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.", 400),
  /** The AWS JSON-schema style of a failed constraint. */
  constraint: (field: string, value: string, constraint: string) =>
    new AwsFault("ValidationError", `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`, 400),
};

export const ec2Faults = {
  instanceMalformed: (id: string) => new AwsFault("InvalidInstanceID.Malformed", `Invalid id: "${id}"`, 400),
  instancesNotFound: (missing: string[]) =>
    missing.length === 1
      ? new AwsFault("InvalidInstanceID.NotFound", `The instance ID '${missing[0]}' does not exist`, 400)
      : new AwsFault("InvalidInstanceID.NotFound", `The instance IDs '${missing.join(", ")}' do not exist`, 400),
  associationNotFound: (id: string) => new AwsFault("InvalidAssociationID.NotFound", `The association ID '${id}' does not exist`, 400),
  existingAssociation: (instanceId: string) => new AwsFault("IncorrectState", `There is an existing association for instance ${instanceId}`, 400),
  invalidProfile: (by: "name" | "arn", value: string) =>
    new AwsFault(
      "InvalidParameterValue",
      `Value (${value}) for parameter iamInstanceProfile.${by} is invalid. Invalid IAM Instance Profile ${by === "name" ? "name" : "ARN"}`,
      400,
    ),
  missingProfile: () => new AwsFault("MissingParameter", "The request must contain the parameter IamInstanceProfile", 400),
};
