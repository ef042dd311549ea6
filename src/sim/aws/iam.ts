import { isoSeconds } from "../../clock.js";
import { AwsFault, type ControlPlane, type InstanceProfileRecord, type RoleRecord } from "../plane/control-plane.js";
import type { ActionTable } from "./actions.js";
import { iamPage } from "./paging.js";
import type { Params } from "./params.js";
import type { Xml } from "./xml.js";

/**
 * IAM 2010-05-08, the actions of the field report (docs/contract.md, Simulator ports). Element names and
 * order follow docs/wire.md, IAM GetInstanceProfile; dates are whole seconds, policy documents are
 * URL-encoded JSON, as IAM sends them.
 */
export const iamActions: ActionTable = {
  CreateRole: ({ params, plane }) => ({ Role: roleXml(plane.createRole(createRoleInput(params))) }),
  GetRole: ({ params, plane }) => {
    const role = plane.getRole(params.required("RoleName"));
    return { Role: { ...roleXml(role), MaxSessionDuration: role.maxSessionDuration, RoleLastUsed: ROLE_NEVER_USED } };
  },
  DeleteRole: ({ params, plane }) => {
    plane.deleteRole(params.required("RoleName"));
    return null;
  },
  CreateInstanceProfile: ({ params, plane }) => {
    const path = params.get("Path");
    const name = params.required("InstanceProfileName");
    return { InstanceProfile: profileXml(plane.createInstanceProfile(path === undefined ? { name } : { name, path })) };
  },
  GetInstanceProfile: ({ params, plane }) => ({ InstanceProfile: profileXml(plane.getInstanceProfile(params.required("InstanceProfileName"))) }),
  ListInstanceProfiles: ({ params, plane, listed }) => listInstanceProfiles(params, plane, listed),
  DeleteInstanceProfile: ({ params, plane }) => {
    plane.deleteInstanceProfile(params.required("InstanceProfileName"));
    return null;
  },
  AddRoleToInstanceProfile: ({ params, plane }) => {
    plane.addRoleToInstanceProfile(params.required("InstanceProfileName"), params.required("RoleName"));
    return null;
  },
  RemoveRoleFromInstanceProfile: ({ params, plane }) => {
    plane.removeRoleFromInstanceProfile(params.required("InstanceProfileName"), params.required("RoleName"));
    return null;
  },
  PutRolePolicy: ({ params, plane }) => {
    plane.putRolePolicy({ roleName: params.required("RoleName"), policyName: params.required("PolicyName"), document: params.required("PolicyDocument") });
    return null;
  },
  GetRolePolicy: ({ params, plane }) => {
    const policy = plane.getRolePolicy(params.required("RoleName"), params.required("PolicyName"));
    // URL-encoded JSON, as IAM sends every policy document; botocore decodes it, the JS SDK does not (docs/wire.md, IAM inline role policies).
    return { RoleName: policy.roleName, PolicyName: policy.policyName, PolicyDocument: encodeURIComponent(policy.document) };
  },
  ListRolePolicies: ({ params, plane, listed }) => listRolePolicies(params, plane, listed),
  DeleteRolePolicy: ({ params, plane }) => {
    plane.deleteRolePolicy(params.required("RoleName"), params.required("PolicyName"));
    return null;
  },
};

/** PolicyNames in pages (paging.ts); IAM's element order: the list, IsTruncated, then Marker (IAM API Reference, ListRolePolicies). */
function listRolePolicies(params: Params, plane: ControlPlane, listed: (items: number) => void): Xml {
  const page = iamPage(params, plane.listRolePolicies(params.required("RoleName")), (name) => name);
  listed(page.items.length);
  return { PolicyNames: { member: page.items }, IsTruncated: page.next !== undefined, Marker: page.next };
}

/** "A forward slash by itself or a string that must begin and end with forward slashes", 1-512 characters (IAM API Reference, ListInstanceProfiles). */
const PATH_PREFIX = /^\/[\x21-\x7f]{0,511}$/;

/** Each profile as GetInstanceProfile shows it (no Tags: IAM's listings leave them out), in pages; IsTruncated first, as IAM's sample answer has it. */
function listInstanceProfiles(params: Params, plane: ControlPlane, listed: (items: number) => void): Xml {
  const prefix = params.get("PathPrefix") ?? "/";
  if (!PATH_PREFIX.test(prefix)) throw new AwsFault("ValidationError", `1 validation error detected: Value '${prefix}' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*`, 400);
  const page = iamPage(params, plane.listInstanceProfiles(prefix), (p) => p.name);
  listed(page.items.length);
  return { IsTruncated: page.next !== undefined, InstanceProfiles: { member: page.items.map(profileXml) }, Marker: page.next };
}

type CreateRoleInput = Parameters<ControlPlane["createRole"]>[0];

function createRoleInput(params: Params): CreateRoleInput {
  const input: CreateRoleInput = {
    name: params.required("RoleName"),
    assumeRolePolicyDocument: params.required("AssumeRolePolicyDocument"),
  };
  const path = params.get("Path");
  const description = params.get("Description");
  const maxSessionDuration = params.integer("MaxSessionDuration");
  if (path !== undefined) input.path = path;
  if (description !== undefined) input.description = description;
  if (maxSessionDuration !== undefined) input.maxSessionDuration = maxSessionDuration;
  return input;
}

/** A Role as CreateRole and GetInstanceProfile print it; GetRole adds MaxSessionDuration and RoleLastUsed (IAM API reference samples). */
export function roleXml(role: RoleRecord): Record<string, Xml> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: isoSeconds(role.createDate),
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicyDocument),
    Description: role.description,
  };
}

/** GetRole tells when the role was last used; the simulator does not track use, so it is empty, as for a new role. */
const ROLE_NEVER_USED: Xml = {};

export function profileXml(profile: InstanceProfileRecord): Record<string, Xml> {
  return {
    Path: profile.path,
    InstanceProfileName: profile.name,
    InstanceProfileId: profile.instanceProfileId,
    Arn: profile.arn,
    CreateDate: isoSeconds(profile.createDate),
    Roles: { member: profile.roles.map(roleXml) },
  };
}
