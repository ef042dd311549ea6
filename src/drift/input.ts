import type { ImdsFailure } from "../errors.js";

/**
 * What the fold reads of one poll, as the sources return it (src/imds,
 * src/aws). Declared here, in the shapes the fold needs, so that the fold
 * imports no source: a caller with another view of an account can feed it.
 */
export interface ImdsServed {
  /** `instanceProfileId`: what tells a profile re-created under the same name apart (profile_recreated). */
  info: { instanceProfileArn: string; instanceProfileId?: string } | null;
  role: string | null;
  /** `code` alone: IMDS serves no key (e.g. AssumeRoleUnauthorizedAccess). `lastUpdated`: when IMDS got the key. */
  credentials: { accessKeyId: string; expiration: number; lastUpdated?: number } | { code: string } | null;
  /** Roles listed after `role`: an instance profile holds one, so any is a finding. */
  otherRoles?: readonly string[];
}

export type ImdsRead<V extends ImdsServed = ImdsServed> =
  | { ok: true; view: V }
  | { ok: false; failure: ImdsFailure; path: string; status?: number };

export interface Failure {
  kind: string;
  code: string;
  status?: number;
  message: string;
}

/** One source's answer as of this poll; `fresh`: read in this poll; `at`: when (default: this poll). */
export type Seen<T> =
  | { state: "never" }
  | { state: "ok"; value: T; fresh: boolean; at?: number }
  | ({ state: "failed"; fresh: boolean; at?: number } & Failure);

export type StsSeen =
  | { principal: "assumed-role"; arn: string; account: string; role: string; roleId: string; session: string }
  | { principal: "other"; arn: string; account: string; userId: string };

export interface ProfileSeen {
  name: string;
  /** The InstanceProfileId IAM has for the name today. */
  id?: string;
  roles: { name: string; id: string }[];
}

export interface AssociationSeen {
  associationId: string;
  arn: string;
  /** The InstanceProfileId the association points at. */
  id?: string;
  state: string;
}

export type AwsApiName = "sts" | "iam" | "ec2";

/** A call made in this poll, and how it ended. */
export interface CallSeen {
  api: AwsApiName;
  /** The API's action when it has more than one (IAM GetRolePolicy); absent: its usual one. */
  action?: string;
  at: number;
  outcome: "ok" | Failure;
}

/** An answer's `Date` (the service's clock, to the second) and the local time it came at. */
export interface DatedSeen {
  service: AwsApiName;
  serverMs: number;
  receivedAt: number;
}

/** A role's sessions revoked before a time (its AWSRevokeOlderSessions); null: none revoked. */
export interface RevocationSeen {
  role: string;
  revokedBefore: number | null;
}

export interface AwsSeen {
  sts: Seen<StsSeen>;
  profile: Seen<ProfileSeen>;
  association: Seen<AssociationSeen | null> | "disabled";
  /** Read by a monitoring principal; absent or "disabled": the control plane is signed with the served credentials. */
  revocation?: Seen<RevocationSeen> | "disabled";
  /** Who signed the IAM and EC2 calls; absent: the served credentials. */
  controlPlaneSigner?: "served" | "monitor";
  calls: readonly CallSeen[];
  /** The last answer that carried a Date; absent or null: none yet. */
  dated?: DatedSeen | null;
}

export interface PollInput {
  imds: ImdsRead;
  identity: { instanceId: string; accountId: string; region: string } | null;
  /** Why the identity document could not be read, while `identity` is null (e.g. a field out of its AWS format). */
  identityProblem?: string;
  /** null: STS and the control plane are not consulted (or the instance is not known yet). */
  aws: AwsSeen | null;
  /** How long an STS and a control-plane answer count as fresh (src/drift/sources.ts); default: the default cadences'. */
  freshFor?: FreshFor;
  /** "account": IAM and EC2 are read by `rolewatch account`, not here (controlPlane.source); default: here. */
  controlPlaneBy?: "account";
}

/** Milliseconds an answer stays fresh, per API family. */
export interface FreshFor {
  stsMs: number;
  controlPlaneMs: number;
}
