import { afterEach, describe, expect, it } from "vitest";
import { queryErrorXml } from "../support/aws-bodies.js";
import { ACCOUNT, association, MONITOR_KEY, MONITOR_SECRET, profile, series, startAccountHarness, throttled, type AccountHarness } from "../support/account-fake.js";

let h: AccountHarness;
afterEach(() => h.close());

const MIN = 60_000;
const actions = () => h.fake.requests.map((r) => `${r.service} ${r.action}${r.region && r.service === "ec2" ? ` ${r.region}` : ""}`);

describe("a cycle of rolewatch account", () => {
  it("follows every page of IAM and of each region's EC2, and exports each profile-role and association", async () => {
    h = await startAccountHarness({ regions: ["eu-west-1", "us-east-1"] });
    const [a, b, c] = [profile(1), profile(2, 0), profile(3)];
    h.world.profiles = [a, b, c];
    h.world.associations = { "eu-west-1": [association(1, a), association(2, c, "associating")], "us-east-1": [association(3, a)] };
    h.world.pageSize = 1;
    await h.cycle();
    expect(actions().sort()).toEqual([
      "ec2 DescribeIamInstanceProfileAssociations eu-west-1", "ec2 DescribeIamInstanceProfileAssociations eu-west-1",
      "ec2 DescribeIamInstanceProfileAssociations us-east-1",
      "iam ListInstanceProfiles", "iam ListInstanceProfiles", "iam ListInstanceProfiles",
      "sts GetCallerIdentity",
    ]);
    const iam = h.fake.calls("iam");
    expect(iam.map((r) => [r.params.get("MaxItems"), r.params.get("Marker")])).toEqual([["1000", null], ["1000", "page-1"], ["1000", "page-2"]]);
    expect(h.fake.calls("ec2").map((r) => r.params.get("MaxResults"))).toEqual(["1000", "1000", "1000"]);
    for (const r of h.fake.requests) expect(r.accessKeyId).toBe(MONITOR_KEY);
    const text = await h.scrape();
    expect(series(text, "rolewatch_account_profile_info")).toEqual([
      `rolewatch_account_profile_info{account="${ACCOUNT}",profile_arn="${a.arn}",profile_id="${a.id}",profile="Profile1",role="Role1",role_id="${a.roles[0]?.id}"} 1`,
      `rolewatch_account_profile_info{account="${ACCOUNT}",profile_arn="${b.arn}",profile_id="${b.id}",profile="Profile2",role="",role_id=""} 1`,
      `rolewatch_account_profile_info{account="${ACCOUNT}",profile_arn="${c.arn}",profile_id="${c.id}",profile="Profile3",role="Role3",role_id="${c.roles[0]?.id}"} 1`,
    ]);
    expect(series(text, "rolewatch_account_association_info")).toHaveLength(3);
    expect(text).toContain(`rolewatch_account_association_info{account="${ACCOUNT}",region="eu-west-1",instance_id="i-00000000000000002",association_id="iip-assoc-00000000000000002",profile_arn="${c.arn}",profile_id="${c.id}",state="associating"} 1`);
    expect(text).toContain(`rolewatch_account_pages_total{account="${ACCOUNT}",api="iam",region=""} 3`);
    expect(text).toContain(`rolewatch_account_pages_total{account="${ACCOUNT}",api="ec2",region="eu-west-1"} 2`);
    expect(text).toContain(`rolewatch_account_requests_total{account="${ACCOUNT}",api="iam",region="",outcome="ok"} 3`);
    expect(text).toContain(`rolewatch_account_requests_total{account="${ACCOUNT}",api="sts",region="",outcome="ok"} 1`);
    expect(series(text, "rolewatch_account_up")).toEqual([
      `rolewatch_account_up{account="${ACCOUNT}",api="ec2",region="eu-west-1"} 1`,
      `rolewatch_account_up{account="${ACCOUNT}",api="ec2",region="us-east-1"} 1`,
      `rolewatch_account_up{account="${ACCOUNT}",api="iam",region=""} 1`,
      `rolewatch_account_up{account="${ACCOUNT}",api="sts",region=""} 1`,
    ]);
    expect(text).toContain(`rolewatch_account_last_success_timestamp_seconds{account="${ACCOUNT}",api="iam",region=""} ${h.clock.now() / 1000}`);
    expect(text).not.toContain(MONITOR_SECRET);
  });

  it("calls IAM once a page per interval, whatever the fleet, and asks STS for the account only once", async () => {
    h = await startAccountHarness();
    h.world.profiles = Array.from({ length: 2500 }, (_, i) => profile(i + 1));
    await h.cycle();
    expect(h.fake.calls("iam")).toHaveLength(3);
    for (let i = 0; i < 10; i++) {
      h.clock.advance(MIN / 2);
      await h.cycle();
    }
    // 5 more intervals: 5 more listings of 3 pages; STS never again.
    expect(h.fake.calls("iam")).toHaveLength(18);
    expect(h.fake.calls("sts")).toHaveLength(1);
    expect(series(await h.scrape(), "rolewatch_account_profile_info")).toHaveLength(2500);
  });

  it("removes the series of profiles and associations gone from AWS at the next cycle", async () => {
    h = await startAccountHarness();
    const [a, b] = [profile(1), profile(2)];
    h.world.profiles = [a, b];
    h.world.associations = { "eu-west-1": [association(1, a), association(2, b)] };
    await h.cycle();
    h.world.profiles = [a];
    h.world.associations = { "eu-west-1": [association(1, a)] };
    h.clock.advance(MIN);
    await h.cycle();
    const text = await h.scrape();
    expect(series(text, "rolewatch_account_profile_info").join("\n")).not.toContain("Profile2");
    expect(series(text, "rolewatch_account_association_info")).toHaveLength(1);
  });

  it("swaps the views whole: while a cycle is in flight a scrape sees the last complete one", async () => {
    h = await startAccountHarness({ regions: ["eu-west-1"] });
    h.world.profiles = [profile(1)];
    await h.cycle();
    h.world.profiles = [profile(2), profile(3), profile(4)];
    h.world.pageSize = 1;
    h.clock.advance(MIN);
    const inFlight = h.cycle();
    // Scrape while the pages come in: a set of 2 would be the new one half filled.
    const seen = new Set<number>();
    while (h.fake.calls("iam").length < 4) {
      seen.add(series(await h.scrape(), "rolewatch_account_profile_info").length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await inFlight;
    seen.add(series(await h.scrape(), "rolewatch_account_profile_info").length);
    expect([...seen].sort()).toEqual([1, 3]);
    expect(h.reader.views[0]?.profiles).toHaveLength(3);
  });
});

describe("a failing API", () => {
  it("keeps its last good series, shows up 0 and its last success, backs off, and counts its outcome", async () => {
    h = await startAccountHarness();
    const a = profile(1);
    h.world.profiles = [a];
    await h.cycle();
    const good = h.clock.now();
    h.world.faults.ListInstanceProfiles = (req) => throttled(req.service);
    h.clock.advance(MIN);
    const { changes } = await h.cycle();
    expect(changes).toEqual([{ change: "failed", account: ACCOUNT, api: "iam", region: "", failure: expect.objectContaining({ kind: "throttled", code: "Throttling" }) }]);
    let text = await h.scrape();
    expect(series(text, "rolewatch_account_profile_info")).toHaveLength(1);
    expect(text).toContain(`rolewatch_account_up{account="${ACCOUNT}",api="iam",region=""} 0`);
    expect(text).toContain(`rolewatch_account_up{account="${ACCOUNT}",api="ec2",region="eu-west-1"} 1`);
    expect(text).toContain(`rolewatch_account_last_success_timestamp_seconds{account="${ACCOUNT}",api="iam",region=""} ${good / 1000}`);
    expect(text).toContain(`rolewatch_account_requests_total{account="${ACCOUNT}",api="iam",region="",outcome="throttled"} 1`);
    // Backing off: a minute, plus full jitter over the window (random 0.5 of 2 min - 1 min): 90 s. EC2 keeps its interval.
    const iamCalls = h.fake.calls("iam").length;
    h.clock.advance(MIN);
    expect((await h.cycle()).changes).toEqual([]);
    expect(h.fake.calls("iam")).toHaveLength(iamCalls);
    expect(h.fake.calls("ec2")).toHaveLength(3);
    expect(h.reader.nextDue()).toBe(good + MIN + 90_000);
    delete h.world.faults.ListInstanceProfiles;
    h.clock.set(good + MIN + 90_000);
    const recovered = await h.cycle();
    expect(recovered.changes).toEqual([{ change: "recovered", account: ACCOUNT, api: "iam", region: "", downSeconds: 90 }]);
    text = await h.scrape();
    expect(text).toContain(`rolewatch_account_up{account="${ACCOUNT}",api="iam",region=""} 1`);
  });

  it("a value out of its AWS format fails the listing (outcome error), and never becomes a label", async () => {
    h = await startAccountHarness();
    h.world.profiles = [profile(1)];
    await h.cycle();
    h.world.profiles = [{ ...profile(2), name: 'Evil"} 1\nrolewatch_drift{kind="x' }];
    h.clock.advance(MIN);
    const { changes } = await h.cycle();
    expect(changes[0]).toMatchObject({ change: "failed", api: "iam", failure: { kind: "error", code: "BadResponse" } });
    const text = await h.scrape();
    expect(text).not.toContain("Evil");
    expect(series(text, "rolewatch_account_profile_info").join("\n")).toContain("Profile1");
    expect(text).toContain(`rolewatch_account_requests_total{account="${ACCOUNT}",api="iam",region="",outcome="error"} 1`);
  });

  it("an endpoint that pages forever fails the listing: a marker seen twice, or past 1,000 pages", async () => {
    h = await startAccountHarness();
    h.world.faults.ListInstanceProfiles = () => ({ status: 200, body: `<ListInstanceProfilesResponse><ListInstanceProfilesResult><IsTruncated>true</IsTruncated><Marker>same</Marker><InstanceProfiles/></ListInstanceProfilesResult></ListInstanceProfilesResponse>` });
    let { changes } = await h.cycle();
    expect(changes[0]).toMatchObject({ api: "iam", failure: { code: "BadResponse", message: expect.stringContaining("the same Marker twice") } });
    expect(h.fake.calls("iam")).toHaveLength(2);
    let n = 0;
    h.world.faults.ListInstanceProfiles = () => ({ status: 200, body: `<ListInstanceProfilesResponse><ListInstanceProfilesResult><IsTruncated>true</IsTruncated><Marker>m${n++}</Marker><InstanceProfiles/></ListInstanceProfilesResult></ListInstanceProfilesResponse>` });
    h.clock.advance(10 * MIN);
    ({ changes } = await h.cycle());
    expect(h.fake.calls("iam")).toHaveLength(2 + 1000);
    expect(h.reader.views[0]?.health.find((x) => x.api === "iam")?.failure).toMatchObject({ code: "BadResponse", message: expect.stringContaining("more than 1000 pages") });
  });

  it("access denied is classified as the agent classifies it", async () => {
    h = await startAccountHarness();
    h.world.faults.DescribeIamInstanceProfileAssociations = () => ({ status: 403, body: `<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>x</RequestID></Response>` });
    const { changes } = await h.cycle();
    expect(changes).toEqual([expect.objectContaining({ change: "failed", api: "ec2", region: "eu-west-1", failure: expect.objectContaining({ kind: "denied" }) })]);
    expect(await h.scrape()).toContain(`rolewatch_account_requests_total{account="${ACCOUNT}",api="ec2",region="eu-west-1",outcome="denied"} 1`);
  });
});

describe("several accounts, by sts:AssumeRole", () => {
  const ROLES = ["arn:aws:iam::111122223333:role/rolewatch-account", "arn:aws:iam::444455556666:role/ops/rolewatch-account"];

  it("reads each account with its role's session, labels the series by account, and renews the session before it ends", async () => {
    h = await startAccountHarness({ assumeRoles: ROLES });
    h.world.profiles = [profile(1)];
    await h.cycle();
    const assumed = h.fake.calls("sts");
    expect(assumed.map((r) => [r.action, r.params.get("RoleArn"), r.params.get("RoleSessionName"), r.params.get("DurationSeconds"), r.accessKeyId])).toEqual([
      ["AssumeRole", ROLES[0], "rolewatch-account", "3600", MONITOR_KEY],
      ["AssumeRole", ROLES[1], "rolewatch-account", "3600", MONITOR_KEY],
    ]);
    expect(h.fake.calls("iam").map((r) => r.accessKeyId)).toEqual(["ASIA111122223333ASSUMED", "ASIA444455556666ASSUMED"]);
    expect(h.fake.calls("iam").map((r) => r.headers["x-amz-security-token"])).toEqual(["assumedToken111122223333EXAMPLEassumedToken==", "assumedToken444455556666EXAMPLEassumedToken=="]);
    const text = await h.scrape();
    expect(series(text, "rolewatch_account_profile_info").map((l) => /account="(\d+)"/.exec(l)?.[1])).toEqual(["111122223333", "444455556666"]);
    expect(text).not.toContain("assumedSecret");
    expect(text).not.toContain("assumedToken");
    // The sessions last an hour: renewed 10 min before the end, not at every cycle.
    for (let i = 0; i < 49; i++) {
      h.clock.advance(MIN);
      await h.cycle();
    }
    expect(h.fake.calls("sts")).toHaveLength(2);
    h.clock.advance(MIN);
    await h.cycle();
    expect(h.fake.calls("sts")).toHaveLength(4);
  });

  it("a role that cannot be assumed marks that account's APIs down and leaves the others read", async () => {
    h = await startAccountHarness({ assumeRoles: ROLES });
    h.world.faults.AssumeRole = (req) => (req.params.get("RoleArn") === ROLES[1] ? { status: 403, body: queryErrorXml("AccessDenied", "not authorized to perform: sts:AssumeRole") } : null);
    h.world.profiles = [profile(1)];
    const { changes } = await h.cycle();
    expect(changes.map((c) => `${c.change} ${c.account} ${c.api}`).sort()).toEqual(["failed 444455556666 ec2", "failed 444455556666 iam", "failed 444455556666 sts"]);
    const text = await h.scrape();
    expect(text).toContain(`rolewatch_account_up{account="444455556666",api="sts",region=""} 0`);
    expect(text).toContain(`rolewatch_account_requests_total{account="444455556666",api="sts",region="",outcome="denied"} 1`);
    expect(text).toContain(`rolewatch_account_up{account="111122223333",api="iam",region=""} 1`);
    expect(h.fake.calls("iam")).toHaveLength(1);
  });
});
