import type { Secret } from "../secret.js";

/** `iam/info`: the instance profile IMDS says is attached. */
export interface IamInfo {
  code: string;
  lastUpdated: number; // ms since epoch
  instanceProfileArn: string;
  instanceProfileId: string;
}

/** What `iam/security-credentials/<role>` serves, once parsed. */
export type ServedCredentials =
  | {
      code: "Success";
      type: string;
      accessKeyId: string;
      expiration: number; // ms since epoch
      lastUpdated: number; // ms since epoch
      /** Only to sign the STS call; never logged, stored or exported. */
      secretAccessKey: Secret;
      sessionToken: Secret;
    }
  | {
      /** Anything but Success, e.g. AssumeRoleUnauthorizedAccess: a state, not an error. */
      code: string;
      message: string;
      lastUpdated: number;
    };

export interface IdentityDocument {
  accountId: string;
  region: string;
  instanceId: string;
  availabilityZone?: string;
}

/**
 * One read of the IAM part of IMDS. `null` means IMDS answered 404: no profile
 * attached, or no role in it. These are values, not errors.
 */
export interface ImdsView {
  info: IamInfo | null;
  role: string | null;
  credentials: ServedCredentials | null;
  /** The roles listed after `role`, when IMDS lists more than one (which EC2 never does). */
  otherRoles?: string[];
}

/** Which IMDS read a request served: a closed set, used as a metric label. */
export const IMDS_ENDPOINTS = ["token", "iam-info", "credentials-list", "credentials", "identity-document"] as const;
export type ImdsEndpointLabel = (typeof IMDS_ENDPOINTS)[number];

/** A request's outcome as a metric label: the HTTP status, or how it failed without one. */
export type ImdsRequestCode = `${number}` | "timeout" | "error";

/** What the session needs from IMDS: a body on 200, `null` on 404, an ImdsError otherwise. */
export interface ImdsReader {
  get(path: string, endpoint: ImdsEndpointLabel): Promise<string | null>;
  /** Runs `reads` with their requests on one connection, closed before it resolves. */
  connected<T>(reads: () => Promise<T>): Promise<T>;
}
