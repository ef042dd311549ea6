// Where the simulator starts: the world, and how EC2 rotates its credentials.
const MINUTE = 60_000;

/**
 * How EC2 refreshes instance credentials: "we make new credentials available at
 * least five minutes before the expiration of the old credentials" (IAM User
 * Guide, iam-roles-for-amazon-ec2); observed validity ~6 h, rotation about hourly
 * (docs/wire.md, Credential delivery).
 */
export interface RotationPolicy {
  lifetimeMs: number;
  rotationMs: number;
}

export const EC2_ROTATION: RotationPolicy = { lifetimeMs: 360 * MINUTE, rotationMs: 60 * MINUTE };

/** New credentials must be available at least this long before the old ones expire. */
export const MIN_ROTATION_HEADROOM_MS = 5 * MINUTE;

/**
 * The world a simulator starts from. Optional ids are minted at start; give
 * them to get the same world every run.
 */
export interface Scenario {
  accountId: string;
  region: string;
  roles: ScenarioRole[];
  instanceProfiles: ScenarioInstanceProfile[];
  instances: ScenarioInstance[];
  credentials?: ScenarioCredentials;
  /** Defaults: DEFAULT_DELAYS. */
  delays?: ScenarioDelays;
  /** The IAM user that drives the simulator's AWS API port (the aws CLI's credentials); default DEFAULT_ADMIN. */
  admin?: ScenarioAdmin;
  /** IMDS's own verdicts from the start (src/sim/imds/verdicts.ts); cleared with the faults. */
  imds?: ScenarioImds;
  /** IAM changes made at set times after the simulator starts (plane/schedule.ts). */
  schedule?: ScenarioStep[];
  /** The simulator's clock against its clients' (the clock fault). */
  clock?: ScenarioClock;
}

/**
 * One IAM change at `atSeconds` after the start, as the aws CLI would make it;
 * exactly one of the actions. A step IAM would refuse at its time is skipped
 * and its error kept (GET /rolewatch-sim/schedule).
 */
export interface ScenarioStep {
  atSeconds: number;
  /** "Revoke active sessions": PutRolePolicy AWSRevokeOlderSessions denying sessions issued before the step's time. */
  revokeSessions?: { role: string };
  removeRole?: { instanceProfile: string; role: string };
  addRole?: { instanceProfile: string; role: string };
  deleteInstanceProfile?: { instanceProfile: string };
  /** A name used before gets a new InstanceProfileId (IAM User Guide, "Unique identifiers"). */
  createInstanceProfile?: { instanceProfile: string };
}

export const STEP_ACTIONS = ["revokeSessions", "removeRole", "addRole", "deleteInstanceProfile", "createInstanceProfile"] as const;

export type StepAction = (typeof STEP_ACTIONS)[number];

/** A day either way: far past the 15 minutes SigV4 allows, and still a date any client parses. */
export const MAX_SKEW_SECONDS = 86_400;

export interface ScenarioClock {
  /** The simulator's Date headers and signature checks run this many seconds ahead of the real (or given) clock; negative: behind. */
  skewSeconds?: number;
}

export interface ScenarioImds {
  /** The served role's credentials document has this Code and no keys (e.g. AssumeRoleUnauthorizedAccess). */
  credentialsCode?: string;
  /** Role names listed after the served one, which no instance profile can hold. */
  extraRoles?: string[];
}

export interface ScenarioRole {
  name: string;
  roleId?: string;
}

export interface ScenarioInstanceProfile {
  name: string;
  instanceProfileId?: string;
  /** An instance profile holds at most one role (IAM User Guide, "Using instance profiles"). */
  role?: string | null;
}

export type InstanceState = "running" | "stopped";

export interface ScenarioInstance {
  instanceId?: string;
  state?: InstanceState;
  /** The associated instance profile's name; absent or null: none. */
  instanceProfile?: string | null;
  instanceType?: string;
  imageId?: string;
  availabilityZone?: string;
  privateIp?: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`; default: when the simulator starts. */
  launchTime?: string;
}

/** Defaults: EC2_ROTATION. */
export interface ScenarioCredentials {
  lifetimeSeconds?: number;
  rotationSeconds?: number;
}

/** How long the control plane's changes take to reach IMDS (world/delivery-rules.ts). */
export interface ScenarioDelays {
  /** A role swapped in the profile reaches IMDS this long after the change (docs/contract.md, Field report, S3). */
  swapSeconds?: number;
  /** An association stays `associating` this long, then IMDS delivers (docs/contract.md, Field report, S5). */
  associationSeconds?: number;
  /**
   * Revoked credentials (an AWSRevokeOlderSessions policy) are replaced by IMDS this long after the
   * revocation, unless the hourly rotation comes first; absent: at that rotation. The field report
   * does not say how soon (world/delivery-rules.ts, S5e).
   */
  revocationSeconds?: number;
}

/** The field report saw a swap reach IMDS after 54 minutes (docs/contract.md, Field report, S3); "a few seconds" for an association is this project's choice. */
export const DEFAULT_DELAYS = { swapSeconds: 3240, associationSeconds: 5 } as const;

export interface ScenarioAdmin {
  /** `AKIA` and 16 uppercase letters or digits. */
  accessKeyId: string;
  /** 40 characters of the base64 alphabet. */
  secretAccessKey: string;
}

/**
 * Fixed and public on purpose: the simulator serves loopback only, and a user
 * drives it with the aws CLI by exporting these (`rolewatch sim` prints them).
 */
export const DEFAULT_ADMIN: ScenarioAdmin = {
  accessKeyId: "AKIAROLEWATCHSIMADMN",
  secretAccessKey: "rolewatchSimulatorAdminSecretKey/EXAMPLE",
};

/** The field report's setup (docs/contract.md, Field report, S1-S7): RedRole in profile MyInPr on one running instance; BlueRole spare. */
export function defaultScenario(): Scenario {
  return {
    accountId: "111122223333",
    region: "us-east-1",
    roles: [
      { name: "RedRole", roleId: "AROAR3DKQ7TXN2WPLM4VB" },
      { name: "BlueRole", roleId: "AROAB9LUE4HCZ6YJSF2QE" },
    ],
    instanceProfiles: [{ name: "MyInPr", instanceProfileId: "AIPAM7YNPR2KD5QWX8HTC", role: "RedRole" }],
    instances: [
      {
        instanceId: "i-0d4c8f2b7a91e3c56",
        state: "running",
        instanceProfile: "MyInPr",
        instanceType: "t3.micro",
        imageId: "ami-0a1b2c3d4e5f67890",
        availabilityZone: "us-east-1a",
        privateIp: "172.31.16.25",
      },
    ],
  };
}
