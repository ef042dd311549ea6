/**
 * The calls of `rolewatch account`, on the agent's Query client (src/aws/query.ts): every page of
 * IAM ListInstanceProfiles, every page of a region's EC2 DescribeIamInstanceProfileAssociations
 * with no filter, and STS AssumeRole and GetCallerIdentity for the principals that sign them.
 */
import { queryApi, type SigningCredentials } from "../aws/index.js";
import { AwsResponseError, type AwsService } from "../aws/errors.js";
import {
  parseAssociationPage, parseAssumeRole, parseProfilePage,
  type AssumedCredentials, type ListedAssociation, type ListedProfile,
} from "../aws/list-parse.js";
import { queryCall, readShape, type QueryOptions } from "../aws/query.js";
import type { Clock } from "../clock.js";
import type { ConfiguredEndpoints } from "../aws/endpoints.js";

/**
 * A hostile or broken endpoint could answer "there is more" forever: past this many pages the
 * cycle of that API fails. 1,000 pages of 1,000 is a million profiles or associations.
 */
export const MAX_PAGES = 1000;

/**
 * A page of 1,000 profiles with their roles' URL-encoded trust policies runs to about 1.5 MB
 * (the agent's 256 KiB is for one profile); 8 MiB leaves each profile 8 KiB.
 */
export const ACCOUNT_MAX_BODY_BYTES = 8 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/** The session name CloudTrail shows for every call made under an assumed role. */
export const SESSION_NAME = "rolewatch-account";
export const SESSION_SECONDS = 3600;

export interface AccountApi {
  /** `onPage` is told of each page that answered, including those before a failure. */
  listInstanceProfiles(credentials: SigningCredentials, onPage: () => void): Promise<ListedProfile[]>;
  describeAssociations(region: string, credentials: SigningCredentials, onPage: () => void): Promise<ListedAssociation[]>;
  assumeRole(roleArn: string, credentials: SigningCredentials): Promise<AssumedCredentials>;
  /** The account of the principal that signs. */
  callerAccount(credentials: SigningCredentials): Promise<string>;
}

/** `region`: where STS is called, and which partition's IAM. */
export function accountApi(opts: { clock: Clock; region: string; endpoints: ConfiguredEndpoints }): AccountApi {
  const query = (region: string): QueryOptions => ({
    clock: opts.clock, region, endpoints: opts.endpoints, timeoutMs: TIMEOUT_MS, maxBodyBytes: ACCOUNT_MAX_BODY_BYTES,
  });
  const home = query(opts.region);
  return {
    listInstanceProfiles: (credentials, onPage) =>
      pages("iam", "Marker", async (marker) => {
        const params: [string, string][] = [["MaxItems", "1000"], ...(marker === null ? [] : [["Marker", marker] as [string, string]])];
        const root = await queryCall("iam", "ListInstanceProfiles", params, credentials, home);
        const page = readShape("iam", () => parseProfilePage(root));
        onPage();
        return { items: page.profiles, next: page.marker };
      }),
    describeAssociations: (region, credentials, onPage) =>
      pages("ec2", "NextToken", async (token) => {
        const params: [string, string][] = [["MaxResults", "1000"], ...(token === null ? [] : [["NextToken", token] as [string, string]])];
        const root = await queryCall("ec2", "DescribeIamInstanceProfileAssociations", params, credentials, query(region));
        const page = readShape("ec2", () => parseAssociationPage(root));
        onPage();
        return { items: page.associations, next: page.nextToken };
      }),
    async assumeRole(roleArn, credentials) {
      const params: [string, string][] = [["RoleArn", roleArn], ["RoleSessionName", SESSION_NAME], ["DurationSeconds", String(SESSION_SECONDS)]];
      const root = await queryCall("sts", "AssumeRole", params, credentials, home);
      return readShape("sts", () => parseAssumeRole(root));
    },
    async callerAccount(credentials) {
      const identity = await queryApi(home).getCallerIdentity(credentials);
      return identity.account;
    },
  };
}

/** Follows `next` page after page; a token seen before, or more than MAX_PAGES pages, fails the whole listing. */
async function pages<T>(service: AwsService, name: string, page: (next: string | null) => Promise<{ items: T[]; next: string | null }>): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let next: string | null = null;
  for (let count = 0; count < MAX_PAGES; count++) {
    const answer = await page(next);
    items.push(...answer.items);
    if (answer.next === null) return items;
    if (seen.has(answer.next)) throw new AwsResponseError(service, 200, `the same ${name} twice: the pages would never end`);
    seen.add(answer.next);
    next = answer.next;
  }
  throw new AwsResponseError(service, 200, `more than ${MAX_PAGES} pages`);
}
