import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { instancePhase } from "../../src/aws/schedule.js";
import { IAM_NS, associationsXml, queryErrorXml } from "../support/aws-bodies.js";
import { ACCOUNT, INSTANCE, MIN, PROFILE_ARN, served, startHarness, TOKEN, type Harness } from "../support/aws-harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());


describe("the first observation", () => {
  it("asks STS, IAM and EC2, each signed with exactly the served credentials, and reports fresh views", async () => {
    const views = await h.observe();
    expect(h.fake.requests.map((r) => `${r.service} ${r.action}`).sort()).toEqual([
      "ec2 DescribeIamInstanceProfileAssociations", "iam GetInstanceProfile", "sts GetCallerIdentity",
    ]);
    for (const r of h.fake.requests) {
      expect(r.accessKeyId).toBe("ASIAIOSFODNN7EXAMPLE");
      expect(r.headers["x-amz-security-token"]).toBe(TOKEN);
      expect(r.region).toBe("eu-west-1");
    }
    expect(h.fake.calls("iam")[0]?.params.get("InstanceProfileName")).toBe("MyInPr");
    expect(Object.fromEntries(h.fake.calls("ec2")[0]?.params ?? [])).toMatchObject({ "Filter.1.Name": "instance-id", "Filter.1.Value.1": INSTANCE });
    expect(views.sts).toMatchObject({ state: "ok", fresh: true, value: { role: "RedRole", roleId: "AROAREDREDREDREDRED01", session: INSTANCE, account: ACCOUNT } });
    expect(views.profile).toMatchObject({ state: "ok", fresh: true, value: { name: "MyInPr", roles: [{ name: "RedRole", id: "AROAREDREDREDREDRED01" }] } });
    expect(views.association).toMatchObject({ state: "ok", fresh: true, value: { arn: PROFILE_ARN, state: "associated", associationId: "iip-assoc-0123456789abcdef0" } });
    expect(await h.value("rolewatch_sts_requests_total", { outcome: "ok" })).toBe(1);
    expect(await h.value("rolewatch_control_plane_requests_total", { api: "iam", outcome: "ok" })).toBe(1);
    expect(await h.value("rolewatch_control_plane_up", { api: "ec2" })).toBe(1);
    expect(h.actions()).toEqual([]);
  });

  it("keeps the views, no longer fresh, when nothing is due a poll later", async () => {
    await h.observe();
    h.clock.advance(15_000);
    const views = await h.observe();
    expect(h.fake.requests).toHaveLength(3);
    expect(views.sts).toMatchObject({ state: "ok", fresh: false });
    expect(views.profile).toMatchObject({ state: "ok", fresh: false });
  });

  it("reports an instance without association as an ok view of null", async () => {
    h.answers.ec2 = () => ({ status: 200, body: associationsXml([]) });
    expect((await h.observe()).association).toMatchObject({ state: "ok", value: null });
  });
});

describe("what there is to observe", () => {
  it("no profile named in IMDS: IAM is not asked and the profile view is 'never'", async () => {
    await h.observe();
    h.clock.advance(15_000);
    const views = await h.observe({ profileArn: null, imdsChanged: true });
    expect(h.fake.calls("iam")).toHaveLength(1);
    expect(views.profile).toEqual({ state: "never" });
  });

  it("no credentials served: nothing is called, and the views are kept but not fresh", async () => {
    await h.observe();
    h.clock.advance(20 * MIN);
    const views = await h.observe({ credentials: null, imdsChanged: true, accessKeyIdChanged: true });
    expect(h.fake.requests).toHaveLength(3);
    expect(views.sts).toMatchObject({ state: "ok", fresh: false });
  });

  it("association off in the config: EC2 is never asked and the view says 'disabled'", async () => {
    await h.close();
    h = await startHarness({ association: false });
    const views = await h.observe();
    expect(h.fake.calls("ec2")).toHaveLength(0);
    expect(views.association).toBe("disabled");
    expect(await h.value("rolewatch_control_plane_up", { api: "ec2" })).toBeUndefined();
  });

  it("an InstanceProfileArn that names no profile fails the profile view without a call", async () => {
    const views = await h.observe({ profileArn: "arn:aws:iam::123456789012:role/NotAProfile" });
    expect(h.fake.calls("iam")).toHaveLength(0);
    expect(views.profile).toMatchObject({ state: "failed", kind: "error", code: "BadProfileArn", fresh: true });
  });
});

describe("STS cadence: at start, on every AccessKeyId change, at least every 15 min", () => {
  it("calls again only when the key changes or 15 minutes have passed", async () => {
    await h.observe();
    h.clock.advance(MIN);
    await h.observe();
    expect(h.fake.calls("sts")).toHaveLength(1);
    await h.observe({ credentials: served("ASIANEWKEYNEWKEY0001"), accessKeyIdChanged: true });
    expect(h.fake.calls("sts").map((r) => r.accessKeyId)).toEqual(["ASIAIOSFODNN7EXAMPLE", "ASIANEWKEYNEWKEY0001"]);
    h.clock.advance(15 * MIN - 1);
    await h.observe();
    expect(h.fake.calls("sts")).toHaveLength(2);
    h.clock.advance(1);
    await h.observe();
    expect(h.fake.calls("sts")).toHaveLength(3);
  });
});

describe("control-plane cadence: at start, on every IMDS change, on this instance's slot every 5 min", () => {
  it("calls IAM and EC2 at once on a change, and then no more often than the slot", async () => {
    await h.observe();
    h.clock.advance(15_000);
    await h.observe({ imdsChanged: true });
    expect(h.fake.calls("iam")).toHaveLength(2);
    expect(h.fake.calls("ec2")).toHaveLength(2);
    const times: number[] = [];
    for (let i = 0; i < 30 * 4; i++) { // 30 minutes of polls every 15 s
      h.clock.advance(15_000);
      const before = h.fake.calls("iam").length;
      await h.observe();
      if (h.fake.calls("iam").length > before) times.push(h.clock.now());
    }
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps).toEqual(new Array(5).fill(5 * MIN));
    // Each on the first poll at or after the instance's slot.
    const phase = instancePhase(INSTANCE, 5 * MIN);
    for (const t of times) expect((t - phase) % (5 * MIN)).toBeLessThan(15_000);
  });
});

describe("an answer that is no outage", () => {
  it("IAM NoSuchEntity: a failed profile view of kind not-found, the API up, no event, no backoff", async () => {
    h.answers.iam = () => ({ status: 404, body: queryErrorXml("NoSuchEntity", "Instance Profile MyInPr cannot be found.", IAM_NS) });
    const views = await h.observe();
    expect(views.profile).toMatchObject({ state: "failed", kind: "not-found", code: "NoSuchEntity", status: 404, fresh: true });
    expect(await h.value("rolewatch_control_plane_requests_total", { api: "iam", outcome: "not-found" })).toBe(1);
    expect(await h.value("rolewatch_control_plane_up", { api: "iam" })).toBe(1);
    expect(h.actions()).toEqual([]);
    h.clock.advance(15_000);
    await h.observe({ imdsChanged: true });
    expect(h.fake.calls("iam")).toHaveLength(2);
  });

  it("an explicit deny of the served credentials: an answer about them, so a new AccessKeyId is asked about at once", async () => {
    const explicit = "User: x is not authorized to perform: iam:GetInstanceProfile on resource: instance profile MyInPr with an explicit deny in an identity-based policy";
    h.answers.iam = () => ({ status: 403, body: queryErrorXml("AccessDenied", explicit, IAM_NS) });
    expect((await h.observe()).profile).toMatchObject({ state: "failed", kind: "explicit-deny", code: "AccessDenied" });
    h.clock.advance(15_000);
    await h.observe({ credentials: served("ASIAIOSFODNN7EXAMPL2"), imdsChanged: true, accessKeyIdChanged: true });
    expect(h.fake.calls("iam").map((r) => r.accessKeyId)).toEqual(["ASIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPL2"]);
  });

  it("an explicit deny of a monitoring principal is its own permission problem: it backs off", async () => {
    await h.close();
    h = await startHarness({ controlPlaneCredentials: { accessKeyId: "AKIAMONITORMONITOR01", secretAccessKey: served().secretAccessKey } });
    const explicit = "User: x is not authorized to perform: iam:GetInstanceProfile with an explicit deny in an identity-based policy";
    h.answers.iam = () => ({ status: 403, body: queryErrorXml("AccessDenied", explicit, IAM_NS) });
    await h.observe();
    h.clock.advance(15_000);
    await h.observe({ imdsChanged: true, accessKeyIdChanged: true });
    expect(h.fake.calls("iam").filter((r) => r.action === "GetInstanceProfile")).toHaveLength(1);
  });

  it("a failed view keeps the last good value", async () => {
    await h.observe();
    h.answers.iam = () => ({ status: 404, body: queryErrorXml("NoSuchEntity", "gone", IAM_NS) });
    h.clock.advance(15_000);
    const views = await h.observe({ imdsChanged: true });
    expect(views.profile).toMatchObject({ state: "failed", last: { name: "MyInPr" } });
  });
});
