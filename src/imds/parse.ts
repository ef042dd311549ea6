/**
 * Pure parsers for the IAM bodies IMDS serves (docs/wire.md, IMDS bodies). Each
 * field is checked before it is converted; a body out of shape is an
 * ImdsError("bad-response") that names the path and the field, never a value:
 * these bodies hold secrets.
 */
import { ImdsError } from "../errors.js";
import { Secret } from "../secret.js";
import { CREDENTIALS_PATH, IAM_INFO_PATH, IDENTITY_DOCUMENT_PATH } from "./paths.js";
import { parseTimestamp } from "./timestamp.js";
import type { IamInfo, IdentityDocument, ServedCredentials } from "./types.js";

type Fields = Record<string, unknown>;

export function parseIamInfo(text: string, path = IAM_INFO_PATH): IamInfo {
  const o = jsonObject(text, path);
  return {
    code: stringField(o, "Code", path),
    lastUpdated: timeField(o, "LastUpdated", path),
    instanceProfileArn: stringField(o, "InstanceProfileArn", path),
    instanceProfileId: stringField(o, "InstanceProfileId", path),
  };
}

/** IAM's RoleName pattern and length (IAM API Reference, CreateRole); it also keeps the name a single path segment. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

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

/** The shape of IMDS's and AWS's codes (AssumeRoleUnauthorizedAccess): a code out of it is a malformed body. */
const CODE = /^[A-Za-z]{1,64}$/;

/** A Code other than Success (e.g. AssumeRoleUnauthorizedAccess) is a state IMDS reports, not a malformed body. */
export function parseCredentials(text: string, path = CREDENTIALS_PATH): ServedCredentials {
  const o = jsonObject(text, path);
  const code = stringField(o, "Code", path);
  if (!CODE.test(code)) throw bad(path, "Code is not a code (letters only)");
  const lastUpdated = timeField(o, "LastUpdated", path);
  if (code !== "Success") {
    const message = o["Message"] ?? "";
    if (typeof message !== "string") throw bad(path, "Message is not a string");
    return { code, message, lastUpdated };
  }
  return {
    code,
    type: stringField(o, "Type", path),
    accessKeyId: stringField(o, "AccessKeyId", path),
    expiration: timeField(o, "Expiration", path),
    lastUpdated,
    secretAccessKey: new Secret(stringField(o, "SecretAccessKey", path)),
    sessionToken: new Secret(stringField(o, "Token", path)),
  };
}

export function parseIdentityDocument(text: string, path = IDENTITY_DOCUMENT_PATH): IdentityDocument {
  const o = jsonObject(text, path);
  const accountId = stringField(o, "accountId", path);
  if (!/^\d{12}$/.test(accountId)) throw bad(path, "accountId is not 12 digits");
  const doc: IdentityDocument = {
    accountId,
    region: stringField(o, "region", path),
    instanceId: stringField(o, "instanceId", path),
  };
  if (o["availabilityZone"] !== undefined) doc.availabilityZone = stringField(o, "availabilityZone", path);
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

function timeField(o: Fields, key: string, path: string): number {
  const ms = parseTimestamp(stringField(o, key, path));
  if (ms === null) throw bad(path, `${key} is not a YYYY-MM-DDTHH:MM:SSZ timestamp`);
  return ms;
}

function bad(path: string, detail: string): ImdsError {
  return new ImdsError("bad-response", path, undefined, { detail });
}
