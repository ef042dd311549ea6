/**
 * The keys of a scenario file, each with what it means. The parser accepts exactly these keys
 * (an unknown one is reported), and the reference of the format (docs/reference/scenario.md) is
 * written from this table, so neither can have a key the other lacks.
 */
import type { StepAction } from "./scenario.js";

export interface ScenarioSection {
  /** Where the section is in a file: "scenario", "scenario.roles[]". */
  readonly path: string;
  readonly about: string;
  /** Key -> what it means; required keys say so. */
  readonly keys: Readonly<Record<string, string>>;
}

const STEP_KEYS: Readonly<Record<StepAction, string>> = {
  revokeSessions: "`{ role }`: IAM's \"Revoke active sessions\", an AWSRevokeOlderSessions inline policy denying the role's sessions issued before the step's time.",
  removeRole: "`{ instanceProfile, role }`: RemoveRoleFromInstanceProfile.",
  addRole: "`{ instanceProfile, role }`: AddRoleToInstanceProfile.",
  deleteInstanceProfile: "`{ instanceProfile }`: DeleteInstanceProfile (the profile must hold no role).",
  createInstanceProfile: "`{ instanceProfile }`: CreateInstanceProfile; a name used before gets a new InstanceProfileId.",
};

export const SCENARIO_FORMAT = [
  {
    path: "scenario",
    about: "The world the simulator starts from: one account, its roles and instance profiles, and the instances IMDS serves.",
    keys: {
      accountId: "Required. The account's 12 digits, quoted in YAML.",
      region: "Required. The region of the instances and of the AWS endpoints, such as us-east-1.",
      roles: "The IAM roles (a list, below).",
      instanceProfiles: "The IAM instance profiles (a list, below).",
      instances: "Required, at least one. The EC2 instances; IMDS serves the first running one.",
      credentials: "How EC2 issues and rotates the instance credentials.",
      delays: "How long the control plane's changes take to reach IMDS.",
      admin: "The IAM user that drives the simulator's AWS API port with the aws CLI.",
      imds: "IMDS's own verdicts from the start.",
      schedule: "IAM changes made at set times after the start (a list, below).",
      clock: "The simulator's clock against its clients'.",
    },
  },
  {
    path: "scenario.roles[]",
    about: "One IAM role.",
    keys: {
      name: "Required. The role name: 1-64 letters, digits or +=,.@_-.",
      roleId: "The RoleId: AROA and 17 uppercase letters or digits. Absent: one is drawn at start.",
    },
  },
  {
    path: "scenario.instanceProfiles[]",
    about: "One IAM instance profile.",
    keys: {
      name: "Required. The profile name: 1-128 letters, digits or +=,.@_-.",
      instanceProfileId: "The InstanceProfileId: AIPA and 17 uppercase letters or digits. Absent: one is drawn at start.",
      role: "The name of the role it holds (one of scenario.roles); null or absent: none.",
    },
  },
  {
    path: "scenario.instances[]",
    about: "One EC2 instance. Every key has a default.",
    keys: {
      instanceId: "i- and 17 (or 8) lowercase hex digits.",
      state: "running or stopped.",
      instanceProfile: "The name of the associated instance profile (one of scenario.instanceProfiles); null or absent: none.",
      instanceType: "Such as t3.micro.",
      imageId: "ami- and hex digits.",
      availabilityZone: "Such as us-east-1a.",
      privateIp: "An IPv4 address.",
      launchTime: "YYYY-MM-DDTHH:MM:SSZ; default: when the simulator starts.",
    },
  },
  {
    path: "scenario.credentials",
    about: "How EC2 issues instance credentials (docs/wire.md, Credential delivery).",
    keys: {
      lifetimeSeconds: "How long each set of credentials is valid, 900 to 43200; default 21600 (6 h).",
      rotationSeconds: "How often new credentials are served, 60 to 43200, at least 300 s before the old ones expire; default 3600.",
    },
  },
  {
    path: "scenario.delays",
    about: "How long the control plane's changes take to reach IMDS.",
    keys: {
      swapSeconds: "A role swapped in the profile reaches IMDS this long after the change, 0 to 43200; default 3240 (the field report's 54 minutes).",
      associationSeconds: "An association stays `associating` this long, then IMDS delivers, 0 to 3600; default 5.",
      revocationSeconds: "Revoked credentials are replaced by IMDS this long after the revocation, 0 to 43200; absent: at the next rotation.",
    },
  },
  {
    path: "scenario.admin",
    about: "The IAM user of the AWS API port; default: the fixed key pair `rolewatch sim` prints.",
    keys: {
      accessKeyId: "Required. AKIA and 16 uppercase letters or digits.",
      secretAccessKey: "Required. 40 letters, digits, / or +.",
    },
  },
  {
    path: "scenario.imds",
    about: "IMDS's verdicts from the start; cleared with the faults.",
    keys: {
      credentialsCode: "The served role's credentials document has this Code and no keys, such as AssumeRoleUnauthorizedAccess.",
      extraRoles: "1 to 10 role names listed after the served one, which no instance profile can hold.",
    },
  },
  {
    path: "scenario.schedule[]",
    about: "One IAM change, as the aws CLI would make it: `atSeconds` and exactly one action. A step IAM would refuse at its time is an error in the file.",
    keys: { atSeconds: "Required. Seconds after the simulator starts, 0 to 604800.", ...STEP_KEYS },
  },
  {
    path: "scenario.clock",
    about: "The clock fault from the start; PUT /rolewatch-sim/clock-skew changes it.",
    keys: { skewSeconds: "The simulator's Date headers and signature checks run this many seconds ahead (negative: behind), up to a day either way." },
  },
] as const satisfies readonly ScenarioSection[];

export type SectionPath = (typeof SCENARIO_FORMAT)[number]["path"];

/** The keys a section allows, in the table's order. */
export function keysOf(path: SectionPath): string[] {
  const section = SCENARIO_FORMAT.find((s) => s.path === path);
  return section === undefined ? [] : Object.keys(section.keys);
}
