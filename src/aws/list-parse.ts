/**
 * The answers `rolewatch account` reads (docs/wire.md, IAM ListInstanceProfiles, EC2
 * DescribeIamInstanceProfileAssociations unfiltered, STS AssumeRole). Pure: XML in, values out.
 * Every value is checked against its AWS format here: one out of format fails the page, so it
 * never reaches a label, and the API's cycle fails instead.
 */
import {
  ACCESS_KEY_ID, INSTANCE_ID, PROFILE_ARN, PROFILE_ID, PROFILE_NAME, ROLE_ARN, ROLE_ID, ROLE_NAME, SECRET_KEY, SESSION_TOKEN,
} from "../formats.js";
import { Secret } from "../secret.js";
import { associationItems, associationOf, element, expectRoot, formatted, ShapeError, type AssociationView, type ProfileRole } from "./parse.js";
import type { SigningCredentials } from "./sigv4.js";
import { childrenNamed, textOf, type XmlElement } from "./xml.js";

/** IAM's Marker: `[\u0020-\u00FF]+`, 1 to 320 characters (IAM API Reference, ListInstanceProfiles). */
const MARKER = /^[\u0020-\u00ff]{1,320}$/;
/** EC2 documents no format for NextToken; it is sent back as it came, so it is bounded and printable. */
const NEXT_TOKEN = /^[\x21-\x7e]{1,1024}$/;

export interface ListedProfile {
  name: string;
  arn: string;
  id: string;
  /** An instance profile holds 0 or 1 role. */
  roles: ProfileRole[];
}

export interface ProfilePage {
  profiles: ListedProfile[];
  /** null: the last page. */
  marker: string | null;
}

/** docs/wire.md, IAM ListInstanceProfiles: `IsTruncated` true comes with the `Marker` of the next page. */
export function parseProfilePage(root: XmlElement): ProfilePage {
  const result = element(expectRoot(root, "ListInstanceProfiles"), "ListInstanceProfilesResult");
  const profiles = childrenNamed(element(result, "InstanceProfiles"), "member").map((profile) => ({
    name: formatted(profile, "InstanceProfileName", PROFILE_NAME),
    arn: formatted(profile, "Arn", PROFILE_ARN),
    id: formatted(profile, "InstanceProfileId", PROFILE_ID),
    roles: childrenNamed(element(profile, "Roles"), "member").map((m) => ({
      name: formatted(m, "RoleName", ROLE_NAME),
      id: formatted(m, "RoleId", ROLE_ID),
      arn: formatted(m, "Arn", ROLE_ARN),
    })),
  }));
  // Absent is false, as the SDKs read a missing boolean (moto_server leaves it out of an untruncated page).
  const truncated = textOf(result, "IsTruncated") ?? "false";
  if (truncated !== "true" && truncated !== "false") throw new ShapeError("<IsTruncated> is neither true nor false");
  return { profiles, marker: truncated === "true" ? formatted(result, "Marker", MARKER) : null };
}

/** An association as the unfiltered list gives it: the instance's id besides (src/aws/parse.ts, associationOf). */
export interface ListedAssociation extends AssociationView {
  instanceId: string;
}

/** docs/wire.md, EC2 DescribeIamInstanceProfileAssociations: every association of the region, paged by `nextToken`. */
export function parseAssociationPage(root: XmlElement): { associations: ListedAssociation[]; nextToken: string | null } {
  const { response, items } = associationItems(root);
  const associations = items.map((item) => ({ instanceId: formatted(item, "instanceId", INSTANCE_ID), ...associationOf(item) }));
  const token = textOf(response, "nextToken");
  if (token === undefined || token === "") return { associations, nextToken: null };
  if (!NEXT_TOKEN.test(token)) throw new ShapeError("<nextToken> is not printable text of at most 1024 characters");
  return { associations, nextToken: token };
}

export interface AssumedCredentials extends SigningCredentials {
  /** ms since the epoch. */
  expiration: number;
}

/** `2019-11-09T13:34:41Z`, with optional fractional seconds. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** docs/wire.md, STS AssumeRole: the secret parts are wrapped at once, and never part of an error. */
export function parseAssumeRole(root: XmlElement): AssumedCredentials {
  const credentials = element(element(expectRoot(root, "AssumeRole"), "AssumeRoleResult"), "Credentials");
  const expirationText = formatted(credentials, "Expiration", TIMESTAMP);
  const expiration = Date.parse(expirationText);
  // Date.parse rolls February 31st over into March: the round trip refuses a day that does not exist.
  if (!Number.isFinite(expiration) || new Date(expiration).toISOString().slice(0, 19) !== expirationText.slice(0, 19)) {
    throw new ShapeError("<Expiration> is not a time");
  }
  return {
    accessKeyId: formatted(credentials, "AccessKeyId", ACCESS_KEY_ID),
    secretAccessKey: new Secret(formatted(credentials, "SecretAccessKey", SECRET_KEY)),
    sessionToken: new Secret(formatted(credentials, "SessionToken", SESSION_TOKEN)),
    expiration,
  };
}
