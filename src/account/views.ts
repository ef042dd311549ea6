/**
 * What `rolewatch account` knows after a cycle: per account, each API's health and the last
 * good answer of each. A view is never changed in place: a cycle builds the next set of views
 * and swaps it in whole, so that a scrape reads one cycle's set or the next, never half of one.
 */
import type { Classified } from "../aws/index.js";
import type { ControlPlaneOutcome } from "../aws/labels.js";
import type { ListedAssociation, ListedProfile } from "../aws/list-parse.js";

/** sts: AssumeRole into the account (or GetCallerIdentity of the principal's own); iam; ec2, per region. */
export const ACCOUNT_APIS = ["sts", "iam", "ec2"] as const;
export type AccountApiName = (typeof ACCOUNT_APIS)[number];

export interface ApiHealth {
  api: AccountApiName;
  /** The EC2 region; "" for IAM and STS, whose answers are the account's. */
  region: string;
  /** False until the first answer, and after a failure. */
  up: boolean;
  lastSuccess: number | null;
  /** The last failure, while down. */
  failure: Classified | null;
  /** When the current outage began; null while up, and before the first attempt. */
  downSince: number | null;
}

export interface AccountView {
  /** The account id of the series; null while the principal's own account is not known yet. */
  account: string | null;
  /** Who signs: "environment", "imds", or the role ARN assumed. */
  principal: string;
  health: readonly ApiHealth[];
  /** The last good listing (kept while IAM fails); null before the first. */
  profiles: readonly ListedProfile[] | null;
  /** The last good listing of each region that has answered. */
  associations: ReadonlyMap<string, readonly ListedAssociation[]>;
}

/**
 * The requests one API made in a cycle, for the counters: `answered` requests that answered (for
 * IAM and EC2, the pages), then at most one that `failed`, which ended the listing.
 */
export interface AccountCall {
  account: string | null;
  api: AccountApiName;
  region: string;
  answered: number;
  failed: ControlPlaneOutcome | null;
}

/** An API that went down or came back in this cycle: one log event each. */
export type HealthChange =
  | { change: "failed"; account: string | null; api: AccountApiName; region: string; failure: Classified }
  | { change: "recovered"; account: string | null; api: AccountApiName; region: string; downSeconds: number };
