/**
 * What a credentials document's Code other than Success means (docs/wire.md,
 * Credentials document). The code has been checked against its shape when
 * read (src/imds/parse.ts), so it is safe to print.
 */
const MEANINGS: Readonly<Record<string, string>> = {
  AssumeRoleUnauthorizedAccess: "EC2 may not assume the role: its trust policy does not trust ec2.amazonaws.com",
  InstanceProfileNotFound: "the instance profile was deleted; EC2 can no longer provide credentials",
};

const OTHERWISE = "EC2 could not get credentials for the role; the role may no longer exist";

export function codeMeaning(code: string): string {
  return Object.hasOwn(MEANINGS, code) ? (MEANINGS[code] ?? OTHERWISE) : OTHERWISE;
}
