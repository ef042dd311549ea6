/**
 * Expiry, drift durations and every SigV4 signature rest on the host clock. The agent compares
 * it with the Date of AWS's answers, and a request refused for its time is the clock's problem,
 * never the credentials' (docs/contract.md, Metrics and Log events; docs/wire.md, SigV4).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/check-text.js";
import { ec2ErrorXml, queryErrorXml } from "../support/aws-bodies.js";
import { AgentField, healthy, kinds, MINUTE } from "../support/agent-loopback.js";

let field: AgentField;
beforeEach(async () => {
  field = await AgentField.start();
});
afterEach(() => field.close());

const SIGNATURE_EXPIRED = "Signature expired: 20261129T080000Z is now earlier than 20261129T080500Z (20261129T082000Z - 15 min.)";

describe("the host clock against AWS's", () => {
  it("is in step when AWS's Date agrees: a gauge of 0 and no clock state", async () => {
    const report = await field.poll();
    expect(report.status).toBe("ok");
    expect(report.clock).toMatchObject({ state: "ok", skewSeconds: 0 });
    expect(await field.value("rolewatch_clock_skew_seconds")).toBe(0);
    expect(field.events("clock-skewed")).toEqual([]);
  });

  it("10 minutes behind AWS's Date is the skew state, in check's first line and /status, with no drift", async () => {
    field.skewMs = 10 * MINUTE;
    const report = await field.poll();
    expect(kinds(report)).toEqual([]);
    expect(report.clock).toEqual({ state: "skewed", skewSeconds: 600, source: expect.stringMatching(/^(sts|iam|ec2)$/), at: "2026-11-29T08:00:00Z", reason: expect.stringMatching(/^the host clock is 600 s behind (STS|IAM|EC2)'s \(the Date of its last answer\)$/) });
    expect(checkText(report, field.clock.now()).split("\n")[0]).toMatch(/^ROLEWATCH OK - .*; clock skewed: the host clock is 600 s behind/);
    expect(await field.value("rolewatch_clock_skew_seconds")).toBe(600);
    expect(field.events("clock-skewed")).toMatchObject([{ "log.level": "warn", rolewatch: { clock: { skew_s: 600 } } }]);
  });

  it("says so once, and once more when the clock is back in step", async () => {
    field.skewMs = -10 * MINUTE;
    await field.run(20 * MINUTE);
    expect(field.events("clock-skewed")).toHaveLength(1);
    expect((await field.poll()).clock?.reason).toMatch(/600 s ahead of/);
    field.skewMs = 1_000;
    // Back in step at the next answer: STS every 15 minutes, the control plane every 5.
    await field.run(6 * MINUTE);
    expect(field.events("clock-recovered")).toMatchObject([{ rolewatch: { clock: { skew_s: 1 } } }]);
    expect((await field.poll()).clock).toMatchObject({ state: "ok", skewSeconds: 1 });
    expect(await field.value("rolewatch_clock_skew_seconds")).toBe(1);
  });

  it.each([
    ["SignatureDoesNotMatch, Signature expired", () => ({ status: 403, body: queryErrorXml("SignatureDoesNotMatch", SIGNATURE_EXPIRED) })],
    ["RequestExpired", () => ({ status: 400, body: ec2ErrorXml("RequestExpired", "Request has expired.") })],
    ["RequestTimeTooSkewed", () => ({ status: 403, body: queryErrorXml("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.") })],
  ])("STS refusing a request 10 minutes off with %s is the clock's problem, not credentials_rejected", async (_name, answer) => {
    field.skewMs = 10 * MINUTE;
    field.answers.sts = answer;
    const report = await field.run(20 * MINUTE);
    expect(kinds(report)).not.toContain("credentials_rejected");
    expect(field.events("drift-detected")).toEqual([]);
    expect(report.sources.sts).toMatchObject({ state: "unknown" });
    expect(report.clock).toMatchObject({ state: "skewed", skewSeconds: 600, reason: expect.stringContaining("STS refused a request for its time") });
    expect(checkText(report, field.clock.now()).split("\n")[0]).toMatch(/^ROLEWATCH UNKNOWN - not fresh: STS unknown: .*; clock skewed: /);
    expect(await field.value("rolewatch_sts_requests_total", { outcome: "rejected" })).toBe(0);
    expect(await field.value("rolewatch_sts_requests_total", { outcome: "error" })).toBeGreaterThan(0);
  });

  it("a refusal for time without a Date is still the skew state, until STS answers", async () => {
    field.answers.sts = () => ({ status: 403, body: queryErrorXml("SignatureDoesNotMatch", SIGNATURE_EXPIRED), headers: { date: "not a date" } });
    const skewed = await field.poll();
    expect(kinds(skewed)).toEqual([]);
    expect(skewed.clock).toMatchObject({ state: "skewed", reason: expect.stringContaining("STS refused a request for its time (SignatureDoesNotMatch)") });
    field.answers.sts = healthy.sts;
    const answered = await field.run(2 * MINUTE);
    expect(answered.clock).toEqual({ state: "ok", skewSeconds: 0, source: expect.any(String), at: expect.any(String) });
    expect(field.events("clock-recovered")).toHaveLength(1);
  });
});
