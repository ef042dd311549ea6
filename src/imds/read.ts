import { ImdsError } from "../errors.js";
import { parseCredentials, parseIamInfo, parseIdentityDocument, parseOtherRoles, parseRoleList } from "./parse.js";
import { CREDENTIALS_PATH, IAM_INFO_PATH, IDENTITY_DOCUMENT_PATH } from "./paths.js";
import type { IdentityDocument, ImdsReader, ImdsView } from "./types.js";

/**
 * One read of the IAM part of IMDS, on one connection. Every step is read
 * even when an earlier one is absent: the agent reports what IMDS really
 * serves, and a role listed without `iam/info` is itself worth seeing.
 */
export function readImds(imds: ImdsReader): Promise<ImdsView> {
  return imds.connected(() => readIam(imds));
}

async function readIam(imds: ImdsReader): Promise<ImdsView> {
  const infoBody = await imds.get(IAM_INFO_PATH, "iam-info");
  const info = infoBody === null ? null : parseIamInfo(infoBody);
  const listBody = await imds.get(CREDENTIALS_PATH, "credentials-list");
  const role = listBody === null ? null : parseRoleList(listBody);
  if (role === null) return { info, role, credentials: null };
  const path = CREDENTIALS_PATH + role;
  const credentialsBody = await imds.get(path, "credentials");
  const credentials = credentialsBody === null ? null : parseCredentials(credentialsBody, path);
  const otherRoles = listBody === null ? [] : parseOtherRoles(listBody);
  return otherRoles.length > 0 ? { info, role, credentials, otherRoles } : { info, role, credentials };
}

/** The identity document always exists on EC2, so a 404 here means the endpoint is not IMDS. */
export async function readIdentity(imds: ImdsReader): Promise<IdentityDocument> {
  const body = await imds.connected(() => imds.get(IDENTITY_DOCUMENT_PATH, "identity-document"));
  if (body === null) throw new ImdsError("unexpected-status", IDENTITY_DOCUMENT_PATH, 404);
  return parseIdentityDocument(body);
}
