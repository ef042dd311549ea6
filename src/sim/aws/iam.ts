import { isoSeconds } from "../../clock.js";
import { AwsFault, type ControlPlane, type InstanceProfileRecord, type RoleRecord } from "../plane/control-plane.js";
import type { ActionTable } from "./actions.js";
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
  ListRolePolicies: ({ params, plane }) => listRolePolicies(params, plane),
  DeleteRolePolicy: ({ params, plane }) => {
    plane.deleteRolePolicy(params.required("RoleName"), params.required("PolicyName"));
    return null;
  },
};

/** PolicyNames in pages of MaxItems (1-1000, default 100); Marker is where the previous page stopped (IAM API Reference, ListRolePolicies). */
function listRolePolicies(params: Params, plane: ControlPlane): Xml {
  const names = plane.listRolePolicies(params.required("RoleName"));
  const max = params.integer("MaxItems") ?? 100;
  if (max < 1 || max > 1000) throw new AwsFault("ValidationError", `1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`, 400);
  const marker = params.get("Marker");
  const from = marker === undefined ? 0 : Number(Buffer.from(marker, "base64url").toString("utf8"));
  if (!Number.isInteger(from) || from < 0 || from > names.length) throw new AwsFault("ValidationError", "Invalid Marker", 400);
  const to = Math.min(names.length, from + max);
  const truncated = to < names.length;
  return { PolicyNames: { member: names.slice(from, to) }, IsTruncated: truncated, Marker: truncated ? Buffer.from(String(to)).toString("base64url") : undefined };
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
