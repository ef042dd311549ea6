/**
 * Pure parsers for the IAM bodies IMDS serves (docs/wire.md, IMDS bodies). Each
 * field is checked before it is converted; a body out of shape is an
 * ImdsError("bad-response") that names the path and the field, never a value:
 * these bodies hold secrets.
 */
import { ImdsError } from "../errors.js";
import { ACCESS_KEY_ID, ACCOUNT_ID, AVAILABILITY_ZONE, ERROR_CODE, INSTANCE_ID, PROFILE_ARN, PROFILE_ID, REGION, ROLE_NAME, SECRET_KEY, SESSION_TOKEN } from "../formats.js";
import { Secret } from "../secret.js";
import { CREDENTIALS_PATH, IAM_INFO_PATH, IDENTITY_DOCUMENT_PATH } from "./paths.js";
import { parseTimestamp } from "./timestamp.js";
import type { IamInfo, IdentityDocument, ServedCredentials } from "./types.js";

type Fields = Record<string, unknown>;

export function parseIamInfo(text: string, path = IAM_INFO_PATH): IamInfo {
  const o = jsonObject(text, path);
  return {
    code: formatField(o, "Code", ERROR_CODE, "a code", path),
    lastUpdated: timeField(o, "LastUpdated", path),
    instanceProfileArn: formatField(o, "InstanceProfileArn", PROFILE_ARN, "an instance profile ARN", path),
    instanceProfileId: formatField(o, "InstanceProfileId", PROFILE_ID, "an instance profile id (AIPA...)", path),
  };
}

/** What stands for a listed line that is not an IAM role name: such a line never reaches a label or a terminal. */
export const NOT_A_ROLE_NAME = "(not an IAM role name)";

/**
 * The role name listed under `iam/security-credentials/`. A profile holds one
 * role, so one line is expected; the first is the role read. Empty means no role.
 */
export function parseRoleList(text: string, path = CREDENTIALS_PATH): string | null {
  const first = listedLines(text)[0] ?? "";
  if (first === "") return null;
  if (!ROLE_NAME.test(first)) throw bad(path, "the listed role name is not an IAM role name");
  return first;
}

/**
 * The lines listed after the first: EC2 lists at most one role (an instance
 * profile holds one, docs/wire.md, Credentials document), so any is a finding.
 * A line that is not an IAM role name is kept only as NOT_A_ROLE_NAME.
 */
export function parseOtherRoles(text: string): string[] {
  return listedLines(text).slice(1).map((line) => (ROLE_NAME.test(line) ? line : NOT_A_ROLE_NAME));
}

function listedLines(text: string): string[] {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}

/** The one Type IMDS serves (docs/wire.md, Credentials document). */
const TYPE = /^AWS-HMAC$/;

/** The longest Message of a failed credentials document kept; past it, and any control character, is not IMDS's wording. */
const MESSAGE_MAX = 512;

/** A Code other than Success (e.g. AssumeRoleUnauthorizedAccess) is a state IMDS reports, not a malformed body. */
export function parseCredentials(text: string, path = CREDENTIALS_PATH): ServedCredentials {
  const o = jsonObject(text, path);
  const code = formatField(o, "Code", ERROR_CODE, "a code", path);
  const lastUpdated = timeField(o, "LastUpdated", path);
  if (code !== "Success") {
    const message = o["Message"] ?? "";
    if (typeof message !== "string" || message.length > MESSAGE_MAX || !/^[\x20-\x7e]*$/.test(message)) throw bad(path, "Message is not a short line of printable text");
    return { code, message, lastUpdated };
  }
  return {
    code,
    type: formatField(o, "Type", TYPE, "AWS-HMAC", path),
    accessKeyId: formatField(o, "AccessKeyId", ACCESS_KEY_ID, "an AccessKeyId (ASIA...)", path),
    expiration: timeField(o, "Expiration", path),
    lastUpdated,
    secretAccessKey: new Secret(formatField(o, "SecretAccessKey", SECRET_KEY, "a secret access key", path)),
    sessionToken: new Secret(formatField(o, "Token", SESSION_TOKEN, "a session token (base64)", path)),
  };
}

export function parseIdentityDocument(text: string, path = IDENTITY_DOCUMENT_PATH): IdentityDocument {
  const o = jsonObject(text, path);
  const doc: IdentityDocument = {
    accountId: formatField(o, "accountId", ACCOUNT_ID, "12 digits", path),
    region: formatField(o, "region", REGION, "a region code (us-east-1)", path),
    instanceId: formatField(o, "instanceId", INSTANCE_ID, "an instance id (i-...)", path),
  };
  if (o["availabilityZone"] !== undefined) doc.availabilityZone = formatField(o, "availabilityZone", AVAILABILITY_ZONE, "an Availability Zone (us-east-1a)", path);
  return doc;
}

function jsonObject(text: string, path: string): Fields {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not kept as the cause: a JSON SyntaxError quotes the body.
    throw bad(path, "not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(path, "not a JSON object");
  return value as Fields;
}

/** A non-empty string field. */
function stringField(o: Fields, key: string, path: string): string {
  const value = o[key];
  if (typeof value !== "string" || value === "") throw bad(path, `${key} is missing or not a non-empty string`);
  return value;
}

/** A string field in its AWS format (src/formats.ts); the message names the format, never the value. */
function formatField(o: Fields, key: string, format: RegExp, what: string, path: string): string {
  const value = stringField(o, key, path);
  if (!format.test(value)) throw bad(path, `${key} is not ${what}`);
  return value;
}

function timeField(o: Fields, key: string, path: string): number {
  const ms = parseTimestamp(stringField(o, key, path));
  if (ms === null) throw bad(path, `${key} is not a YYYY-MM-DDTHH:MM:SSZ timestamp`);
  return ms;
}

function bad(path: string, detail: string): ImdsError {
  return new ImdsError("bad-response", path, undefined, { detail });
}
