/**
 * An account's control plane on the loopback fake AWS (test/support/aws-loopback.ts): IAM
 * ListInstanceProfiles and unfiltered EC2 DescribeIamInstanceProfileAssociations, paged by a
 * page size of the test's choosing, and STS AssumeRole and GetCallerIdentity.
 */
import { accountApi } from "../../src/account/api.js";
import { AccountReader } from "../../src/account/reader.js";
import { environmentCredentials, principalsOf } from "../../src/account/principals.js";
import { ManualClock } from "../../src/clock.js";
import { createAccountMetrics, type AccountMetrics } from "../../src/observe/account-metrics.js";
import {
  assumeRoleXml, associationsXml, callerIdentityXml, ec2ErrorXml, profilePageXml, queryErrorXml,
  type AssociationItem, type ListedProfileXml,
} from "./aws-bodies.js";
import { endpointsAt, startFakeAws, type Answer, type FakeAws, type QueryRequest } from "./aws-loopback.js";

export const ACCOUNT = "123456789012";
export const MONITOR_KEY = "AKIAMONITORMONITOR01";
export const MONITOR_SECRET = "monitorSecretKeyEXAMPLEmonitorSecretKey1";

export function profile(n: number, roles = 1, account = ACCOUNT): ListedProfileXml {
  const id = `AIPA${String(n).padStart(16, "0")}`;
  const name = `Profile${n}`;
  return {
    name, id, arn: `arn:aws:iam::${account}:instance-profile/${name}`,
    roles: Array.from({ length: roles }, () => ({ name: `Role${n}`, id: `AROA${String(n).padStart(16, "0")}`, arn: `arn:aws:iam::${account}:role/Role${n}` })),
  };
}

export function association(n: number, p: ListedProfileXml, state = "associated"): AssociationItem {
  const hex = n.toString(16).padStart(17, "0");
  return { associationId: `iip-assoc-${hex}`, instanceId: `i-${hex}`, arn: p.arn, id: p.id, state };
}

export interface World {
  profiles: ListedProfileXml[];
  /** By region. */
  associations: Record<string, AssociationItem[]>;
  pageSize: number;
  /** A fault for one action, by action name: the answer instead of the real one. */
  faults: Record<string, (req: QueryRequest) => Answer | null>;
}

function page<T>(items: T[], start: string | null, size: number): { items: T[]; next: string | undefined } {
  const from = start === null ? 0 : Number(start.replace("page-", ""));
  const next = from + size < items.length ? `page-${from + size}` : undefined;
  return { items: items.slice(from, from + size), next };
}

export function answer(world: World, req: QueryRequest): Answer {
  const fault = world.faults[req.action]?.(req);
  if (fault) return fault;
  switch (req.action) {
    case "ListInstanceProfiles": {
      const { items, next } = page(world.profiles, req.params.get("Marker"), world.pageSize);
      return { status: 200, body: profilePageXml(items, next) };
    }
    case "DescribeIamInstanceProfileAssociations": {
      const { items, next } = page(world.associations[req.region] ?? [], req.params.get("NextToken"), world.pageSize);
      return { status: 200, body: associationsXml(items, next) };
    }
    case "AssumeRole": {
      const roleArn = req.params.get("RoleArn") ?? "";
      const account = roleArn.split(":")[4] ?? "";
      return { status: 200, body: assumeRoleXml({ roleArn, accessKeyId: `ASIA${account}ASSUMED`, secretAccessKey: `assumedSecret${account}EXAMPLEassumedSecret`, sessionToken: `assumedToken${account}EXAMPLEassumedToken==`, expiration: new Date(Date.parse("2026-11-29T08:00:00Z") + 3_600_000).toISOString().replace(/\.\d{3}/, "") }) };
    }
    case "GetCallerIdentity":
      return { status: 200, body: callerIdentityXml({ arn: `arn:aws:iam::${ACCOUNT}:user/monitor`, userId: "AIDAMONITORMONITOR01", account: ACCOUNT }) };
    default:
      return { status: 400, body: queryErrorXml("InvalidAction", req.action) };
  }
}

export const throttled = (service: string): Answer => ({
  status: 400, body: service === "ec2" ? ec2ErrorXml("RequestLimitExceeded", "Request limit exceeded.") : queryErrorXml("Throttling", "Rate exceeded"),
});

export interface AccountHarness {
  clock: ManualClock;
  fake: FakeAws;
  world: World;
  reader: AccountReader;
  metrics: AccountMetrics;
  /** One cycle, its calls counted and its views shown, as the daemon does. */
  cycle(): Promise<Awaited<ReturnType<AccountReader["cycle"]>>>;
  scrape(): Promise<string>;
  close(): Promise<void>;
}

export async function startAccountHarness(opts: { regions?: string[]; assumeRoles?: string[]; intervalMs?: number } = {}): Promise<AccountHarness> {
  const clock = new ManualClock();
  const world: World = { profiles: [], associations: {}, pageSize: 1000, faults: {} };
  const fake = await startFakeAws((req) => answer(world, req));
  const regions = opts.regions ?? ["eu-west-1"];
  const api = accountApi({ clock, region: regions[0] ?? "", endpoints: endpointsAt(fake.url) });
  const base = environmentCredentials({ AWS_ACCESS_KEY_ID: MONITOR_KEY, AWS_SECRET_ACCESS_KEY: MONITOR_SECRET });
  const reader = new AccountReader({
    clock, random: () => 0.5, api, principals: principalsOf(opts.assumeRoles ?? [], base, api), regions, intervalMs: opts.intervalMs ?? 60_000,
  });
  const metrics = createAccountMetrics({ version: "test" });
  metrics.show(reader.views);
  return {
    clock, fake, world, reader, metrics,
    async cycle() {
      const result = await reader.cycle();
      for (const call of result.calls) metrics.counted(call);
      metrics.show(reader.views);
      return result;
    },
    scrape: () => metrics.text(),
    close: () => fake.close(),
  };
}

/** The sample lines of one metric in an exposition, sorted. */
export function series(text: string, name: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).sort();
}
