/**
 * The calls rolewatch makes, each signed with the credentials it is given (the
 * served instance credentials, or a monitoring principal's: never a default credential chain).
 */
import { toStsIdentity, type StsIdentity } from "./arn.js";
import { classify } from "./classify.js";
import {
  parseAssociations, parseCallerIdentity, parseInstanceProfile, parseRolePolicy, pickAssociation,
  type AssociationView, type InstanceProfileView, type RevocationView,
} from "./parse.js";
import { REVOCATION_POLICY } from "./revocation.js";
import { queryCall, readShape, type QueryOptions } from "./query.js";
import type { SigningCredentials } from "./sigv4.js";

/** What AwsObserver calls; tests may stand in their own. */
export interface AwsApi {
  getCallerIdentity(credentials: SigningCredentials): Promise<StsIdentity>;
  /** Throws AwsApiError NoSuchEntity when there is no such profile. */
  getInstanceProfile(name: string, credentials: SigningCredentials): Promise<InstanceProfileView>;
  /** null: the instance has no association. */
  describeAssociation(instanceId: string, credentials: SigningCredentials): Promise<AssociationView | null>;
  /**
   * IAM GetRolePolicy of the role's AWSRevokeOlderSessions, as a monitoring principal only:
   * NoSuchEntity (no such policy, or no such role) is no revocation.
   */
  getRevocation(role: string, credentials: SigningCredentials): Promise<RevocationView>;
}

/** A describe filtered on one instance fits one page; a few more are followed, never an endless chain. */
const MAX_PAGES = 5;

export function queryApi(opts: QueryOptions): AwsApi {
  return {
    async getCallerIdentity(credentials) {
      const root = await queryCall("sts", "GetCallerIdentity", [], credentials, opts);
      return readShape("sts", () => toStsIdentity(parseCallerIdentity(root)));
    },
    async getInstanceProfile(name, credentials) {
      const root = await queryCall("iam", "GetInstanceProfile", [["InstanceProfileName", name]], credentials, opts);
      return readShape("iam", () => parseInstanceProfile(root));
    },
    async describeAssociation(instanceId, credentials) {
      const filter = [["Filter.1.Name", "instance-id"], ["Filter.1.Value.1", instanceId]] as const;
      const found: AssociationView[] = [];
      let token: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const params = token === null ? filter : [...filter, ["NextToken", token] as const];
        const root = await queryCall("ec2", "DescribeIamInstanceProfileAssociations", params, credentials, opts);
        const { associations, nextToken } = readShape("ec2", () => parseAssociations(root));
        found.push(...associations);
        if (nextToken === null) break;
        token = nextToken;
      }
      return pickAssociation(found);
    },
    async getRevocation(role, credentials) {
      let root;
      try {
        root = await queryCall("iam", "GetRolePolicy", [["RoleName", role], ["PolicyName", REVOCATION_POLICY]], credentials, opts);
      } catch (error) {
        if (classify(error).kind === "not-found") return { role, revokedBefore: null };
        throw error;
      }
      return readShape("iam", () => parseRolePolicy(root, role, REVOCATION_POLICY));
    },
  };
}
