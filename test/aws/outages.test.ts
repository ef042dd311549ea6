import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryApi } from "../../src/aws/api.js";
import type { AwsService } from "../../src/aws/errors.js";
import { ec2ErrorXml, IAM_NS, queryErrorXml } from "../support/aws-bodies.js";
import { endpointsAt, type Answer } from "../support/aws-loopback.js";
import { MIN, ok, SECRET, served, startHarness, TOKEN, type Harness } from "../support/aws-harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness(); // random() = 0.5: waits of 90 s, then 150 s
});
afterEach(() => h.close());

const FAILURES: { api: "iam" | "ec2"; answer: Answer; kind: string; code: string; outcome: string }[] = [
  { api: "iam", answer: { status: 400, body: queryErrorXml("Throttling", "Rate exceeded", IAM_NS) }, kind: "throttled", code: "Throttling", outcome: "throttled" },
  { api: "ec2", answer: { status: 503, body: ec2ErrorXml("RequestLimitExceeded", "Request limit exceeded.") }, kind: "throttled", code: "RequestLimitExceeded", outcome: "throttled" },
  {
    api: "iam", kind: "denied", code: "AccessDenied", outcome: "denied",
    answer: { status: 403, body: queryErrorXml("AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/RedRole/i-0123456789abcdef0 is not authorized to perform: iam:GetInstanceProfile on resource: instance profile MyInPr because no identity-based policy allows the iam:GetInstanceProfile action", IAM_NS) },
  },
  {
    api: "ec2", kind: "denied", code: "UnauthorizedOperation", outcome: "denied",
    answer: { status: 403, body: ec2ErrorXml("UnauthorizedOperation", "You are not authorized to perform this operation.") },
  },
  { api: "iam", answer: { status: 403, body: queryErrorXml("ExpiredToken", "The security token included in the request is expired", IAM_NS) }, kind: "rejected", code: "ExpiredToken", outcome: "denied" },
  { api: "ec2", answer: { status: 500, body: ec2ErrorXml("InternalError", "An internal error has occurred") }, kind: "retryable", code: "InternalError", outcome: "error" },
];

describe("a control-plane outage", () => {
  it.each(FAILURES)("$api $code: a $kind view, counted as $outcome, up 0, one unavailable event per outage, one recovered after", async ({ api, answer, kind, code, outcome }) => {
    const key = api === "iam" ? "profile" : "association";
    h.answers[api] = () => answer;
    const first = await h.observe();
    expect(first[key]).toMatchObject({ state: "failed", kind, code, status: answer.status, fresh: true });
    expect(await h.value("rolewatch_control_plane_up", { api })).toBe(0);
    expect(await h.value("rolewatch_control_plane_requests_total", { api, outcome })).toBe(1);

    h.clock.advance(90_000); // the first backoff: 60 s + 0.5 * (120 s - 60 s)
    await h.observe();
    expect(h.fake.calls(api)).toHaveLength(2);
    expect(await h.value("rolewatch_control_plane_requests_total", { api, outcome })).toBe(2);
    expect(h.actions()).toEqual(["control-plane-unavailable"]);
    const unavailable = JSON.parse(h.raw[0] ?? "{}") as { rolewatch: { control_plane: { api: string; reason: string } } };
    expect(unavailable.rolewatch.control_plane.api).toBe(api);
    expect(unavailable.rolewatch.control_plane.reason).toMatch(new RegExp(`^${code} \\(HTTP ${answer.status}\\): `));

    h.answers[api] = ok[api];
    h.clock.advance(150_000); // the second: 60 s + 0.5 * (240 s - 60 s)
    const after = await h.observe();
    expect(after[key]).toMatchObject({ state: "ok", fresh: true });
    expect(await h.value("rolewatch_control_plane_up", { api })).toBe(1);
    expect(h.actions()).toEqual(["control-plane-unavailable", "control-plane-recovered"]);
    const recovered = JSON.parse(h.raw[1] ?? "{}") as { rolewatch: { control_plane: { api: string; down_s: number } } };
    expect(recovered.rolewatch.control_plane).toEqual({ api, down_s: 240 });
  });

  it("a change during a backoff waits for the backoff's end, then is checked", async () => {
    h.answers.iam = () => ({ status: 400, body: queryErrorXml("Throttling", "Rate exceeded", IAM_NS) });
    await h.observe();
    h.answers.iam = ok.iam;
    h.clock.advance(15_000);
    await h.observe({ imdsChanged: true });
    expect(h.fake.calls("iam")).toHaveLength(1);
    h.clock.advance(75_000);
    await h.observe();
    expect(h.fake.calls("iam")).toHaveLength(2);
  });

  it("IAM failing leaves EC2 on its own schedule", async () => {
    h.answers.iam = () => ({ status: 400, body: queryErrorXml("Throttling", "Rate exceeded", IAM_NS) });
    await h.observe();
    h.clock.advance(15_000);
    await h.observe({ imdsChanged: true });
    expect([h.fake.calls("iam").length, h.fake.calls("ec2").length]).toEqual([1, 2]);
  });
});

describe("STS refusing the served credentials", () => {
  it.each([
    ["ExpiredToken", "The security token included in the request is expired"],
    ["InvalidClientTokenId", "The security token included in the request is invalid."],
  ])("%s: a rejected view, counted as rejected, no control-plane event; a new AccessKeyId is checked at once", async (code, message) => {
    h.answers.sts = () => ({ status: 403, body: queryErrorXml(code, message) });
    const views = await h.observe();
    expect(views.sts).toMatchObject({ state: "failed", kind: "rejected", code, status: 403, message, fresh: true });
    expect(await h.value("rolewatch_sts_requests_total", { outcome: "rejected" })).toBe(1);
    expect(h.actions()).toEqual([]);
    h.clock.advance(15_000);
    await h.observe({ credentials: served("ASIANEWKEYNEWKEY0001"), accessKeyIdChanged: true, imdsChanged: true });
    expect(h.fake.calls("sts")).toHaveLength(2);
  });

  it("STS throttled backs off: even a new AccessKeyId waits for the backoff", async () => {
    h.answers.sts = () => ({ status: 400, body: queryErrorXml("Throttling", "Rate exceeded") });
    await h.observe();
    expect(await h.value("rolewatch_sts_requests_total", { outcome: "throttled" })).toBe(1);
    h.clock.advance(15_000);
    await h.observe({ credentials: served("ASIANEWKEYNEWKEY0001"), accessKeyIdChanged: true });
    expect(h.fake.calls("sts")).toHaveLength(1);
    h.clock.advance(75_000);
    await h.observe({ credentials: served("ASIANEWKEYNEWKEY0001") });
    expect(h.fake.calls("sts").map((r) => r.accessKeyId)).toEqual(["ASIAIOSFODNN7EXAMPLE", "ASIANEWKEYNEWKEY0001"]);
  });
});

describe("secrets", () => {
  const echo = `The canonical string for this request should have been 'POST / x-amz-security-token:${TOKEN}' signed with ${SECRET}`;
  const answers: Record<AwsService, Answer>[] = [
    { sts: { status: 403, body: queryErrorXml("SignatureDoesNotMatch", echo) }, iam: { status: 403, body: queryErrorXml("SignatureDoesNotMatch", echo, IAM_NS) }, ec2: { status: 401, body: ec2ErrorXml("AuthFailure", echo) } },
    { sts: { status: 400, body: queryErrorXml("Throttling", echo) }, iam: { status: 500, body: echo }, ec2: { status: 503, body: ec2ErrorXml("RequestLimitExceeded", echo) } },
  ];

  it("never reach a view, an event, a metric or an error, even when AWS quotes them back", async () => {
    const seen: string[] = [];
    for (const set of answers) {
      for (const api of ["sts", "iam", "ec2"] as const) h.answers[api] = () => set[api];
      seen.push(JSON.stringify(await h.observe({ imdsChanged: true, accessKeyIdChanged: true })));
      h.clock.advance(20 * MIN);
    }
    const api = queryApi({ clock: h.clock, region: "eu-west-1", endpoints: endpointsAt(h.fake.url), timeoutMs: 2000, maxBodyBytes: 65536 });
    for (const call of [() => api.getCallerIdentity(served()), () => api.getInstanceProfile("p", served()), () => api.describeAssociation("i-1", served())]) {
      const error = await call().then(() => new Error("the call succeeded"), (e: unknown) => e as Error);
      seen.push(String(error), error.stack ?? "", JSON.stringify(error));
    }
    seen.push(...h.raw, await h.metrics.text());
    const all = seen.join("\n");
    expect(all).toContain("[REDACTED]");
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(TOKEN);
  });
});
