/**
 * The Query responses rolewatch reads, element by element as docs/wire.md writes them (STS GetCallerIdentity to EC2 DescribeIamInstanceProfileAssociations)
 * write them. Pure: XML in, values out; a missing required element throws.
 */
import { ShapeError } from "../errors.js";
import { ASSOCIATION_ID, ERROR_CODE, PROFILE_ARN, PROFILE_ID, PROFILE_NAME, ROLE_ARN, ROLE_ID, ROLE_NAME } from "../formats.js";
import { revokedBefore } from "./revocation.js";
import { child, childrenNamed, textOf, type XmlElement } from "./xml.js";

export { ShapeError };

export function required(element: XmlElement | undefined, name: string): string {
  const value = element === undefined ? undefined : textOf(element, name);
  if (value === undefined || value === "") throw new ShapeError(`missing <${name}>`);
  return value;
}

/** A required element in its AWS format (src/formats.ts); the error names the element, never the value. */
export function formatted(element: XmlElement | undefined, name: string, format: RegExp): string {
  const value = required(element, name);
  if (!format.test(value)) throw new ShapeError(`<${name}> is not in its AWS format`);
  return value;
}

export function element(parent: XmlElement | undefined, name: string): XmlElement {
  const found = parent === undefined ? undefined : child(parent, name);
  if (!found) throw new ShapeError(`missing <${name}>`);
  return found;
}

/** `<ActionResponse>` is the root of every success body; anything else is not this call's answer. */
export function expectRoot(root: XmlElement, action: string): XmlElement {
  if (root.name !== `${action}Response`) throw new ShapeError(`root <${root.name}>, expected <${action}Response>`);
  return root;
}

/**
 * docs/wire.md, STS GetCallerIdentity. Its values are checked where they
 * become an identity (src/aws/arn.ts toStsIdentity): one out of format is a
 * finding about who answered, not a malformed body.
 */
export function parseCallerIdentity(root: XmlElement): { arn: string; userId: string; account: string } {
  const result = element(expectRoot(root, "GetCallerIdentity"), "GetCallerIdentityResult");
  return { arn: required(result, "Arn"), userId: required(result, "UserId"), account: required(result, "Account") };
}

export interface ProfileRole {
  name: string;
  id: string;
  arn: string;
}

export interface InstanceProfileView {
  name: string;
  arn: string;
  id: string;
  /** An instance profile holds 0 or 1 role; a list, as the API returns it. */
  roles: ProfileRole[];
}

/** docs/wire.md, IAM GetInstanceProfile; an empty `<Roles/>` is a profile that holds no role. */
export function parseInstanceProfile(root: XmlElement): InstanceProfileView {
  const profile = element(element(expectRoot(root, "GetInstanceProfile"), "GetInstanceProfileResult"), "InstanceProfile");
  const roles = childrenNamed(element(profile, "Roles"), "member").map((m) => ({
    name: formatted(m, "RoleName", ROLE_NAME),
    id: formatted(m, "RoleId", ROLE_ID),
    arn: formatted(m, "Arn", ROLE_ARN),
  }));
  return {
    name: formatted(profile, "InstanceProfileName", PROFILE_NAME),
    arn: formatted(profile, "Arn", PROFILE_ARN),
    id: formatted(profile, "InstanceProfileId", PROFILE_ID),
    roles,
  };
}

/** A role's revoked sessions, as its inline policy AWSRevokeOlderSessions says (src/aws/revocation.ts). */
export interface RevocationView {
  role: string;
  /** Sessions issued before this time (ms) are denied everything; null: the role has no such policy, or it revokes nothing. */
  revokedBefore: number | null;
}

/**
 * docs/wire.md, IAM inline role policies: `RoleName`, `PolicyName` and the URL-encoded
 * `PolicyDocument`. The names must be the ones asked for; the document is read for its time only.
 */
export function parseRolePolicy(root: XmlElement, role: string, policy: string): RevocationView {
  const result = element(expectRoot(root, "GetRolePolicy"), "GetRolePolicyResult");
  if (formatted(result, "RoleName", ROLE_NAME) !== role) throw new ShapeError("<RoleName> is not the role asked for");
  if (required(result, "PolicyName") !== policy) throw new ShapeError("<PolicyName> is not the policy asked for");
  return { role, revokedBefore: revokedBefore(required(result, "PolicyDocument")) };
}

export const ASSOCIATION_STATES = ["associating", "associated", "disassociating", "disassociated"] as const;
export type AssociationState = (typeof ASSOCIATION_STATES)[number];

export interface AssociationView {
  associationId: string;
  /** The associated instance profile's ARN and id. */
  arn: string;
  id: string;
  state: AssociationState;
}

/** docs/wire.md, EC2 DescribeIamInstanceProfileAssociations: the list element is `iamInstanceProfileAssociationSet`, paged by `nextToken`. */
export function parseAssociations(root: XmlElement): { associations: AssociationView[]; nextToken: string | null } {
  const { response, items } = associationItems(root);
  return { associations: items.map(associationOf), nextToken: textOf(response, "nextToken") || null };
}

/** The response element of DescribeIamInstanceProfileAssociations and its association items. */
export function associationItems(root: XmlElement): { response: XmlElement; items: XmlElement[] } {
  const response = expectRoot(root, "DescribeIamInstanceProfileAssociations");
  const set = child(response, "iamInstanceProfileAssociationSet");
  return { response, items: set ? childrenNamed(set, "item") : [] };
}

/** One association item, every value format-checked. */
export function associationOf(item: XmlElement): AssociationView {
  const profile = element(item, "iamInstanceProfile");
  const state = required(item, "state");
  if (!(ASSOCIATION_STATES as readonly string[]).includes(state)) throw new ShapeError("<state> is not an association state");
  return {
    associationId: formatted(item, "associationId", ASSOCIATION_ID),
    arn: formatted(profile, "arn", PROFILE_ARN),
    id: formatted(profile, "id", PROFILE_ID),
    state: state as AssociationState,
  };
}

/**
 * An instance has at most one live association, but a describe can also list
 * recent `disassociated` ones (and, during a replace, one going and one
 * coming): the live one wins, `associated` before `associating` before
 * `disassociating`; `disassociated` only when nothing else is there.
 */
export function pickAssociation(associations: readonly AssociationView[]): AssociationView | null {
  const rank: Record<AssociationState, number> = { associated: 0, associating: 1, disassociating: 2, disassociated: 3 };
  return [...associations].sort((a, b) => rank[a.state] - rank[b.state])[0] ?? null;
}

export interface ErrorEnvelope {
  code: string;
  message: string;
  requestId: string | undefined;
}

/**
 * The Query envelope `<ErrorResponse><Error>…</Error><RequestId/>` (STS, IAM;
 * docs/wire.md, Query errors) or EC2's `<Response><Errors><Error>…</Error></Errors><RequestID/>`
 * (4.5). null when the root is neither.
 */
export function parseErrorEnvelope(root: XmlElement): ErrorEnvelope | null {
  const error = errorElement(root);
  const code = error && textOf(error, "Code");
  if (!error || !code) return null;
  // The code is shown and logged: one out of format is not AWS's, and the answer is no envelope.
  if (!ERROR_CODE.test(code)) return null;
  const requestId = textOf(root, "RequestId") ?? textOf(root, "RequestID");
  return { code, message: printableLine(textOf(error, "Message") ?? ""), requestId: requestId && REQUEST_ID.test(requestId) ? requestId : undefined };
}

/** Request ids are UUIDs or like them (`37289fda-99f2-11e1-a4c3-27EXAMPLE804`). */
const REQUEST_ID = /^[\w-]{1,64}$/;

/** AWS's message kept as one line of printable text, at most 512 characters: it is shown in `check`, `/status` and events. */
const MESSAGE_MAX = 512;

function printableLine(message: string): string {
  const line = message.replace(/[^\x20-\x7e]+/g, " ").trim();
  return line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 3)}...` : line;
}

function errorElement(root: XmlElement): XmlElement | undefined {
  if (root.name === "ErrorResponse") return child(root, "Error");
  const errors = root.name === "Response" ? child(root, "Errors") : undefined;
  return errors && child(errors, "Error");
}
