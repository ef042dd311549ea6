import { RolewatchError } from "../../errors.js";
import type { AssociationState } from "../world/model.js";

/**
 * The control plane the simulator's AWS API port serves: IAM, EC2 and the
 * STS caller lookup. The world implements it with the field report's
 * delivery rules (docs/contract.md, Field report, S1-S7); the API port only speaks the wire protocol.
 */

/** An AWS error the API port turns into its XML envelope (docs/wire.md, Query errors and EC2 DescribeIamInstanceProfileAssociations). */
export class AwsFault extends RolewatchError {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface RoleRecord {
  name: string;
  path: string;
  roleId: string;
  arn: string;
  createDate: number;
  /** As given to CreateRole (JSON text); the API port URL-encodes it on output, as IAM does. */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
}

/** An inline policy of a role (IAM GetRolePolicy). */
export interface RolePolicyRecord {
  roleName: string;
  policyName: string;
  /** As given to PutRolePolicy (JSON text); the API port URL-encodes it on output, as IAM does. */
  document: string;
}

export interface InstanceProfileRecord {
  name: string;
  path: string;
  instanceProfileId: string;
  arn: string;
  createDate: number;
  roles: RoleRecord[];
}

export type { AssociationState };

export interface AssociationRecord {
  associationId: string;
  instanceId: string;
  profileArn: string;
  profileId: string;
  state: AssociationState;
  timestamp: number;
}

/** EC2 instance state codes: 0 pending, 16 running, 64 stopping, 80 stopped. */
export interface InstanceStateChange {
  instanceId: string;
  previous: { code: number; name: string };
  current: { code: number; name: string };
}

export interface ProfileRef {
  name?: string;
  arn?: string;
}

/** Who signed a request, told by the AccessKeyId of its SigV4 signature. */
export interface Caller {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required on the request when present (temporary credentials). */
  sessionToken: string | null;
  /** "expired": ExpiredToken; "revoked": the role is gone, InvalidClientTokenId. */
  status: "valid" | "expired" | "revoked";
  /**
   * A policy of the session's role denies it everything (a revoke-older-sessions
   * policy): IAM and EC2 answer AccessDenied and UnauthorizedOperation; STS still answers.
   */
  explicitDeny?: boolean;
  arn: string;
  userId: string;
  account: string;
}

export interface ControlPlane {
  readonly accountId: string;
  caller(accessKeyId: string): Caller | null;

  createRole(input: { name: string; path?: string; assumeRolePolicyDocument: string; description?: string; maxSessionDuration?: number }): RoleRecord;
  getRole(name: string): RoleRecord;
  deleteRole(name: string): void;
  createInstanceProfile(input: { name: string; path?: string }): InstanceProfileRecord;
  getInstanceProfile(name: string): InstanceProfileRecord;
  /** Every profile whose path starts with `pathPrefix`, in name order: the order Marker pages follow. */
  listInstanceProfiles(pathPrefix: string): InstanceProfileRecord[];
  deleteInstanceProfile(name: string): void;
  addRoleToInstanceProfile(profileName: string, roleName: string): void;
  removeRoleFromInstanceProfile(profileName: string, roleName: string): void;
  putRolePolicy(input: { roleName: string; policyName: string; document: string }): void;
  getRolePolicy(roleName: string, policyName: string): RolePolicyRecord;
  listRolePolicies(roleName: string): string[];
  deleteRolePolicy(roleName: string, policyName: string): void;

  associateIamInstanceProfile(instanceId: string, profile: ProfileRef): AssociationRecord;
  disassociateIamInstanceProfile(associationId: string): AssociationRecord;
  replaceIamInstanceProfileAssociation(associationId: string, profile: ProfileRef): AssociationRecord;
  describeIamInstanceProfileAssociations(filter: { associationIds?: string[]; instanceIds?: string[]; states?: string[] }): AssociationRecord[];
  rebootInstances(instanceIds: string[]): void;
  stopInstances(instanceIds: string[]): InstanceStateChange[];
  startInstances(instanceIds: string[]): InstanceStateChange[];
}
