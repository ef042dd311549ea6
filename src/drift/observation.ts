/**
 * One observation of every source, reduced to what drift decisions need.
 * A source is "unknown" when it was never read or its last read failed: the
 * drifts it feeds are then kept as they are, never resolved from missing data.
 */
export type Known<T> = { state: "ok"; value: T } | { state: "unknown" };

export interface ImdsFacts {
  profileArn: string | null;
  /** iam/info's InstanceProfileId; undefined when the caller did not say. */
  profileId?: string | null;
  role: string | null;
  accessKeyId: string | null;
  /** ms since epoch; null when no credentials are served. */
  expiration: number | null;
  /** The served credentials' LastUpdated (ms): about when they were issued; undefined when not said. */
  lastUpdated?: number | null;
  /** The credentials document's Code when it is not Success: IMDS's own verdict that it has no credentials. */
  unavailableCode?: string;
  /** Roles listed besides `role` (docs/contract.md, Drift kinds, identity_mismatch). */
  otherRoles?: readonly string[];
}

/** STS GetCallerIdentity, for the AccessKeyId IMDS serves now. */
export type StsFacts =
  | { outcome: "accepted"; role: string; roleId: string; account: string; session: string }
  | { outcome: "rejected"; code: string };

export interface ProfileFacts {
  name: string;
  /** IAM's InstanceProfileId for the name; undefined when no such profile, or not said. */
  id?: string;
  roles: { name: string; id: string }[];
  /** IAM answered NoSuchEntity: the profile iam/info names does not exist (profile_missing). */
  missing?: true;
}

export interface AssociationFacts {
  associationId: string;
  arn: string;
  /** The InstanceProfileId it points at; undefined when not said. */
  profileId?: string;
  state: string;
}

/**
 * What tells whether the served credentials' sessions were revoked (credentials_revoked): the
 * role's AWSRevokeOlderSessions as a monitoring principal read it (`policy`), or, without one,
 * whether IAM and EC2 answered the served credentials in this observation or denied them
 * explicitly (`deny`).
 */
export type RevocationFacts =
  | { by: "policy"; role: string; revokedBefore: number | null }
  | { by: "deny"; denied: { api: "iam" | "ec2"; code: string } | null };

export interface Observation {
  at: number;
  instance: { id: string; accountId: string } | null;
  imds: Known<ImdsFacts>;
  sts: Known<StsFacts>;
  profile: Known<ProfileFacts>;
  /** null value: no association. */
  association: Known<AssociationFacts | null> | { state: "disabled" };
  revocation: Known<RevocationFacts>;
}
