import type { Clock } from "../../clock.js";
import type { InstanceState } from "../scenario/scenario.js";
import type { CredentialChain, RotationPolicy } from "./delivery.js";
import type { Random } from "./random.js";
import type { Session, SessionRegistry } from "./sessions.js";

// The simulated world's entities, as IAM, EC2 and IMDS see them.

export interface Role {
  name: string;
  roleId: string;
  /** `arn:aws:iam::ACCOUNT:role` + path + name. */
  arn: string;
  path: string;
  createDate: number;
  /** JSON text, as given to CreateRole. */
  assumeRolePolicyDocument: string;
  description?: string;
  /** Seconds, 3600 to 43200 (IAM API Reference, CreateRole). */
  maxSessionDuration: number;
}

export interface InstanceProfile {
  name: string;
  instanceProfileId: string;
  arn: string;
  path: string;
  createDate: number;
  /** Role name; a profile holds at most one role. */
  role: string | null;
}

/**
 * An EC2 association of an instance profile with an instance. Its state is
 * read from the clock (associationState), so a jump of the clock settles it.
 * The profile is recorded by name and id: a profile deleted and re-created
 * under the same name is another profile.
 */
/** EC2's association states (docs/wire.md, EC2 DescribeIamInstanceProfileAssociations). */
export type AssociationState = "associating" | "associated" | "disassociating" | "disassociated";

export interface Association {
  associationId: string;
  instanceId: string;
  profileName: string;
  profileArn: string;
  profileId: string;
  /** When it was asked for: EC2's Timestamp. */
  createdAt: number;
  /** When it is (or was) `associated`: createdAt plus the association delay. */
  associatedAt: number;
  /** When it was disassociated or replaced; null while it is the instance's. */
  endedAt: number | null;
}

/** One rotation's credentials. With HttpTokens=optional IMDS serves distinct IMDSv1 ones (docs/wire.md, Credential delivery). */
export interface Issue {
  issuedAt: number;
  expiresAt: number;
  v2: Session;
  v1: Session;
}

/** Where a delivery's credentials come from: a CredentialChain minting them here, or an AWS backend. */
export type IssueChain = Pick<CredentialChain<Issue>, "frozen" | "at" | "rotate" | "freeze" | "resume" | "nextRotationAfter">;

/** What IMDS serves for an instance: a snapshot of the role at delivery time, so a re-created role stays a different one. */
export interface Delivery {
  role: Role;
  deliveredAt: number;
  chain: IssueChain;
}

/** What IMDS serves to an instance at one moment. */
export interface ServedCredentials {
  role: Role;
  issue: Issue;
}

/** Deliveries that come due later (delivery-rules.ts), applied when the world is next read at or after them. */
export interface PendingDelivery {
  /** A swap to the profile's current role (docs/contract.md, Field report, S3). */
  swapAt: number | null;
  /** The delivered role was deleted: its next refresh fails (docs/contract.md, Field report, S5). */
  revokeAt: number | null;
  /** The delivered credentials were revoked: IMDS fetches new ones of the same role then (delivery-rules.ts, S5e). */
  refreshAt: number | null;
}

export interface Instance {
  instanceId: string;
  state: InstanceState;
  instanceType: string;
  imageId: string;
  availabilityZone: string;
  privateIp: string;
  launchedAt: number;
  /** EC2's current association, settled or not. */
  association: Association | null;
  /** The association IMDS shows in `iam/info`: the last one that settled and was not disassociated. */
  attached: Association | null;
  delivery: Delivery | null;
  pending: PendingDelivery;
  /** The instance identity role, always present (docs/wire.md, Instance identity role). */
  identity: CredentialChain<Session>;
}

/** How long the control plane's changes take to reach IMDS (scenario.ts, ScenarioDelays). */
export interface Delays {
  swapMs: number;
  associationMs: number;
  /** null: revoked credentials are replaced at the next hourly rotation. */
  revocationMs: number | null;
}

/**
 * What the delivery rules and the scenario loader use of the world (world.ts
 * implements it), so that neither imports the class that calls them.
 */
export interface WorldModel {
  readonly accountId: string;
  readonly region: string;
  readonly policy: RotationPolicy;
  readonly delays: Delays;
  readonly roles: Map<string, Role>;
  readonly instanceProfiles: Map<string, InstanceProfile>;
  readonly instances: Map<string, Instance>;
  readonly sessions: SessionRegistry;
  readonly clock: Clock;
  readonly random: Random;
  addRole(name: string, roleId?: string): Role;
  addInstanceProfile(name: string, instanceProfileId?: string): InstanceProfile;
  associate(instance: Instance, profile: InstanceProfile, at?: number): Association;
  profileOf(association: Association): InstanceProfile | null;
  deliver(instanceId: string, roleName: string | null, at?: number): Delivery | null;
}
