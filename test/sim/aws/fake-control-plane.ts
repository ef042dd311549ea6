/**
 * A small in-memory ControlPlane, so the API port's wire protocol is tested on
 * its own, apart from the world's delivery rules.
 */
import { randomBytes } from "node:crypto";
import {
  AwsFault,
  type AssociationRecord,
  type Caller,
  type ControlPlane,
  type InstanceProfileRecord,
  type InstanceStateChange,
  type ProfileRef,
  type RolePolicyRecord,
  type RoleRecord,
} from "../../../src/sim/plane/control-plane.js";

export const ACCOUNT = "111122223333";
export const ADMIN = { accessKeyId: "AKIAADMINEXAMPLE0001", secretAccessKey: "adminSecretKeyExample/0123456789abcdefghi" };
export const INSTANCE_ID = "i-0d4c8f2b7a91e3c56";
const STATES = { pending: 0, running: 16, stopping: 64, stopped: 80 } as const;

const alnum = (n: number) => [...randomBytes(n)].map((b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32]).join("");
const hex = (n: number) => randomBytes(n).toString("hex").slice(0, n);

export class FakeControlPlane implements ControlPlane {
  readonly accountId = ACCOUNT;
  readonly callers = new Map<string, Caller>();
  readonly roles = new Map<string, RoleRecord>();
  readonly profiles = new Map<string, Omit<InstanceProfileRecord, "roles"> & { role: string | null }>();
  readonly associations: AssociationRecord[] = [];
  readonly instances = new Map<string, keyof typeof STATES>([[INSTANCE_ID, "running"]]);
  /** Inline policies by `role/policy`. */
  readonly policies = new Map<string, RolePolicyRecord>();

  constructor(readonly now: () => number) {
    this.callers.set(ADMIN.accessKeyId, { ...ADMIN, sessionToken: null, status: "valid", arn: `arn:aws:iam::${ACCOUNT}:user/admin`, userId: "AIDAADMINEXAMPLE00001", account: ACCOUNT });
  }

  /** A role session as IMDS would serve it to INSTANCE_ID. */
  addSession(roleName: string, status: Caller["status"] = "valid"): Caller {
    const roleId = this.roles.get(roleName)?.roleId ?? `AROA${alnum(17)}`;
    const caller: Caller = {
      accessKeyId: `ASIA${alnum(16)}`,
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(60).toString("base64")}`,
      status,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${INSTANCE_ID}`,
      userId: `${roleId}:${INSTANCE_ID}`,
      account: ACCOUNT,
    };
    this.callers.set(caller.accessKeyId, caller);
    return caller;
  }

  caller(accessKeyId: string): Caller | null {
    return this.callers.get(accessKeyId) ?? null;
  }

  createRole(input: { name: string; path?: string; assumeRolePolicyDocument: string; description?: string; maxSessionDuration?: number }): RoleRecord {
    if (this.roles.has(input.name)) throw new AwsFault("EntityAlreadyExists", `Role with name ${input.name} already exists.`, 409);
    const path = input.path ?? "/";
    const role: RoleRecord = {
      name: input.name,
      path,
      roleId: `AROA${alnum(17)}`,
      arn: `arn:aws:iam::${ACCOUNT}:role${path}${input.name}`,
      createDate: Math.floor(this.now() / 1000) * 1000,
      assumeRolePolicyDocument: input.assumeRolePolicyDocument,
      maxSessionDuration: input.maxSessionDuration ?? 3600,
      ...(input.description === undefined ? {} : { description: input.description }),
    };
    this.roles.set(role.name, role);
    return role;
  }

  getRole(name: string): RoleRecord {
    const role = this.roles.get(name);
    if (!role) throw new AwsFault("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  deleteRole(name: string): void {
    this.getRole(name);
    this.roles.delete(name);
  }

  createInstanceProfile(input: { name: string; path?: string }): InstanceProfileRecord {
    const path = input.path ?? "/";
    const profile = { name: input.name, path, instanceProfileId: `AIPA${alnum(17)}`, arn: `arn:aws:iam::${ACCOUNT}:instance-profile${path}${input.name}`, createDate: Math.floor(this.now() / 1000) * 1000, role: null };
    this.profiles.set(profile.name, profile);
    return this.getInstanceProfile(profile.name);
  }

  getInstanceProfile(name: string): InstanceProfileRecord {
    const p = this.profiles.get(name);
    if (!p) throw new AwsFault("NoSuchEntity", `Instance Profile ${name} cannot be found.`, 404);
    const { role, ...rest } = p;
    const held = role === null ? undefined : this.roles.get(role);
    return { ...rest, roles: held ? [held] : [] };
  }

  listInstanceProfiles(pathPrefix: string): InstanceProfileRecord[] {
    return [...this.profiles.keys()].sort().map((name) => this.getInstanceProfile(name)).filter((p) => p.path.startsWith(pathPrefix));
  }

  deleteInstanceProfile(name: string): void {
    this.getInstanceProfile(name);
    this.profiles.delete(name);
  }

  addRoleToInstanceProfile(profileName: string, roleName: string): void {
    this.getRole(roleName);
    const p = this.profiles.get(profileName);
    if (!p) throw new AwsFault("NoSuchEntity", `Instance Profile ${profileName} cannot be found.`, 404);
    if (p.role !== null) throw new AwsFault("LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", 409);
    p.role = roleName;
  }

  removeRoleFromInstanceProfile(profileName: string, roleName: string): void {
    const p = this.profiles.get(profileName);
    if (!p || p.role !== roleName) throw new AwsFault("NoSuchEntity", `Role ${roleName} in Instance Profile ${profileName} cannot be found.`, 404);
    p.role = null;
  }

  putRolePolicy(input: { roleName: string; policyName: string; document: string }): void {
    this.getRole(input.roleName);
    this.policies.set(`${input.roleName}/${input.policyName}`, { ...input });
  }

  getRolePolicy(roleName: string, policyName: string): RolePolicyRecord {
    this.getRole(roleName);
    const policy = this.policies.get(`${roleName}/${policyName}`);
    if (!policy) throw new AwsFault("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`, 404);
    return policy;
  }

  listRolePolicies(roleName: string): string[] {
    this.getRole(roleName);
    return [...this.policies.values()].filter((p) => p.roleName === roleName).map((p) => p.policyName).sort();
  }

  deleteRolePolicy(roleName: string, policyName: string): void {
    this.getRolePolicy(roleName, policyName);
    this.policies.delete(`${roleName}/${policyName}`);
  }

  associateIamInstanceProfile(instanceId: string, ref: ProfileRef): AssociationRecord {
    this.#instance(instanceId);
    const p = this.#profile(ref);
    const record: AssociationRecord = { associationId: `iip-assoc-${hex(17)}`, instanceId, profileArn: p.arn, profileId: p.instanceProfileId, state: "associating", timestamp: this.now() };
    this.associations.push({ ...record, state: "associated" });
    return record;
  }

  disassociateIamInstanceProfile(associationId: string): AssociationRecord {
    const a = this.#association(associationId);
    a.state = "disassociated";
    return { ...a, state: "disassociating" };
  }

  replaceIamInstanceProfileAssociation(associationId: string, ref: ProfileRef): AssociationRecord {
    const old = this.#association(associationId);
    old.state = "disassociated";
    return this.associateIamInstanceProfile(old.instanceId, ref);
  }

  describeIamInstanceProfileAssociations(filter: { associationIds?: string[]; instanceIds?: string[]; states?: string[] }): AssociationRecord[] {
    return this.associations.filter(
      (a) =>
        (filter.associationIds?.includes(a.associationId) ?? true) &&
        (filter.instanceIds?.includes(a.instanceId) ?? true) &&
        (filter.states ? filter.states.includes(a.state) : a.state === "associated"),
    );
  }

  rebootInstances(instanceIds: string[]): void {
    for (const id of instanceIds) this.#instance(id);
  }

  stopInstances(instanceIds: string[]): InstanceStateChange[] {
    return instanceIds.map((id) => this.#transition(id, "stopping", "stopped"));
  }

  startInstances(instanceIds: string[]): InstanceStateChange[] {
    return instanceIds.map((id) => this.#transition(id, "pending", "running"));
  }

  #transition(id: string, shown: keyof typeof STATES, after: keyof typeof STATES): InstanceStateChange {
    const previous = this.#instance(id);
    this.instances.set(id, after);
    return { instanceId: id, previous: { code: STATES[previous], name: previous }, current: { code: STATES[shown], name: shown } };
  }

  #instance(id: string): keyof typeof STATES {
    const state = this.instances.get(id);
    if (!state) throw new AwsFault("InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`, 400);
    return state;
  }

  #profile(ref: ProfileRef): Omit<InstanceProfileRecord, "roles"> {
    const p = [...this.profiles.values()].find((x) => x.name === ref.name || x.arn === ref.arn);
    if (!p) throw new AwsFault("InvalidParameterValue", `Value (${ref.name ?? ref.arn}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`, 400);
    return p;
  }

  #association(id: string): AssociationRecord {
    const a = this.associations.find((x) => x.associationId === id && x.state === "associated");
    if (!a) throw new AwsFault("InvalidAssociationID.NotFound", `An association with ID ${id} does not exist.`, 400);
    return a;
  }
}
