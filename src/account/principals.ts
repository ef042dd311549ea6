/**
 * Who signs the account exporter's calls: a monitoring principal from rolewatch's environment or
 * from the host's IMDS (account.credentials), and, for each role of account.assumeRoles, the
 * session STS AssumeRole gives for it, renewed before it ends. Secrets stay Secrets throughout.
 */
import type { SigningCredentials } from "../aws/index.js";
import type { Env } from "../config/env.js";
import { ConfigError, RolewatchError } from "../errors.js";
import { readImds } from "../imds/read.js";
import type { ImdsReader } from "../imds/types.js";
import { Secret } from "../secret.js";
import type { AccountApi } from "./api.js";

/** Credentials that cannot be had, whatever the API: classified by its `code` (src/aws/classify.ts). */
export class CredentialsError extends RolewatchError {
  readonly code = "NoCredentials";
}

/** The base principal: asked before each use; it keeps what it has while that is good. */
export interface BaseCredentials {
  readonly source: "environment" | "imds";
  get(now: number): Promise<SigningCredentials>;
}

export function environmentCredentials(env: Env): BaseCredentials {
  const accessKeyId = env["AWS_ACCESS_KEY_ID"];
  const secret = env["AWS_SECRET_ACCESS_KEY"];
  if (!accessKeyId || !secret) {
    throw new ConfigError(["account.credentials: environment needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in rolewatch's environment"]);
  }
  const token = env["AWS_SESSION_TOKEN"];
  const credentials = { accessKeyId, secretAccessKey: new Secret(secret), ...(token ? { sessionToken: new Secret(token) } : {}) };
  return { source: "environment", get: () => Promise.resolve(credentials) };
}

/**
 * Role credentials renewed this long before they end: IMDS brings new ones at least 5 min
 * before expiry (docs/contract.md, Field report, S7), and an assumed session lasts an hour.
 */
export const RENEW_BEFORE_MS = 10 * 60_000;

/** The role credentials the host's IMDS serves, read again when they near their end. */
export function imdsCredentials(imds: ImdsReader): BaseCredentials {
  let held: { credentials: SigningCredentials; expiration: number } | null = null;
  return {
    source: "imds",
    async get(now) {
      if (held && now < held.expiration - RENEW_BEFORE_MS) return held.credentials;
      let view;
      try {
        view = await readImds(imds);
      } catch (error) {
        throw new CredentialsError(`the host's IMDS cannot be read: ${(error as Error).message}`, { cause: error });
      }
      const served = view.credentials;
      if (!served || !("accessKeyId" in served)) throw new CredentialsError("the host's IMDS serves no role credentials");
      const { accessKeyId, secretAccessKey, sessionToken, expiration } = served;
      held = { credentials: { accessKeyId, secretAccessKey, sessionToken }, expiration };
      return held.credentials;
    },
  };
}

/** One account to read, and how to sign for it. */
export interface Principal {
  /** "environment", "imds", or the role ARN. */
  readonly name: string;
  /** The account id; null until the principal's own account is known. */
  readonly account: string | null;
  /** Credentials for the account's calls; `sts` is told of each STS request (true: it answered). */
  credentials(now: number, sts: (answered: boolean) => void): Promise<SigningCredentials>;
}

/** The base principal's own account, asked of STS GetCallerIdentity once: a principal's account never changes. */
export function ownAccount(base: BaseCredentials, api: AccountApi): Principal {
  let account: string | null = null;
  return {
    name: base.source,
    get account() {
      return account;
    },
    async credentials(now, sts) {
      const credentials = await base.get(now);
      if (account === null) account = await counted(sts, () => api.callerAccount(credentials));
      return credentials;
    },
  };
}

/** The account of `roleArn`, read through a session of that role, renewed RENEW_BEFORE_MS before it ends. */
export function assumedRole(roleArn: string, base: BaseCredentials, api: AccountApi): Principal {
  let held: { credentials: SigningCredentials; expiration: number } | null = null;
  return {
    name: roleArn,
    account: roleArn.split(":")[4] ?? null,
    async credentials(now, sts) {
      if (held && now < held.expiration - RENEW_BEFORE_MS) return held.credentials;
      const signer = await base.get(now);
      const { expiration, ...credentials } = await counted(sts, () => api.assumeRole(roleArn, signer));
      held = { credentials, expiration };
      return credentials;
    },
  };
}

async function counted<T>(sts: (answered: boolean) => void, call: () => Promise<T>): Promise<T> {
  try {
    const value = await call();
    sts(true);
    return value;
  } catch (error) {
    sts(false);
    throw error;
  }
}

/** The principals of the configuration: each assumed role, or the base principal's own account. */
export function principalsOf(assumeRoles: readonly string[], base: BaseCredentials, api: AccountApi): Principal[] {
  return assumeRoles.length === 0 ? [ownAccount(base, api)] : assumeRoles.map((arn) => assumedRole(arn, base, api));
}

