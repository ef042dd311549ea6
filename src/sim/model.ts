import type { CredentialChain } from "./delivery.js";
import type { InstanceState } from "./scenario.js";
import type { Session } from "./sessions.js";

// The simulated world's entities, as IAM, EC2 and IMDS see them.

export interface Role {
  name: string;
  roleId: string;
  arn: string;
}

export interface InstanceProfile {
  name: string;
  instanceProfileId: string;
  arn: string;
  /** Role name; a profile holds at most one role. */
  role: string | null;
}

export interface Association {
  associationId: string;
  profileName: string;
  state: "associating" | "associated" | "disassociating" | "disassociated";
  associatedAt: number;
}

/** One rotation's credentials. With HttpTokens=optional IMDS serves distinct IMDSv1 ones (PROTOCOL.md 5). */
export interface Issue {
  issuedAt: number;
  expiresAt: number;
  v2: Session;
  v1: Session;
}

/** What IMDS serves for an instance: a snapshot of the role at delivery time, so a re-created role stays a different one. */
export interface Delivery {
  role: Role;
  deliveredAt: number;
  chain: CredentialChain<Issue>;
}

/** What IMDS serves to an instance at one moment. */
export interface ServedCredentials {
  role: Role;
  issue: Issue;
}

export interface Instance {
  instanceId: string;
  state: InstanceState;
  instanceType: string;
  imageId: string;
  availabilityZone: string;
  privateIp: string;
  launchedAt: number;
  association: Association | null;
  delivery: Delivery | null;
  /** The instance identity role, always present (PROTOCOL.md 2.6). */
  identity: CredentialChain<Session>;
}
