import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryApi } from "../../src/aws/api.js";
import { parseHttpDate } from "../../src/aws/http-date.js";
import type { Dated } from "../../src/aws/query.js";
import { ManualClock } from "../../src/clock.js";
import { Secret } from "../../src/secret.js";
import { PROTOCOL_CALLER_IDENTITY, queryErrorXml } from "../support/aws-bodies.js";
import { endpointsAt, startFakeAws, type Answer, type FakeAws } from "../support/aws-loopback.js";

describe("an answer's Date header (RFC 9110, IMF-fixdate)", () => {
  it.each([
    ["Sun, 29 Nov 2026 08:10:00 GMT", Date.parse("2026-11-29T08:10:00Z")],
    ["Tue, 01 Dec 2026 00:00:59 GMT", Date.parse("2026-12-01T00:00:59Z")],
  ])("%s is read to the second", (header, ms) => {
    expect(parseHttpDate(header)).toBe(ms);
  });

  it.each([
    ["absent", undefined],
    ["an ISO timestamp", "2026-11-29T08:10:00Z"],
    ["the obsolete RFC 850 form", "Sunday, 29-Nov-26 08:10:00 GMT"],
    ["another zone", "Sun, 29 Nov 2026 08:10:00 +0100"],
    ["a day that does not exist", "Mon, 31 Feb 2026 08:10:00 GMT"],
    ["an hour that does not exist", "Sun, 29 Nov 2026 24:00:00 GMT"],
    ["before EC2", "Thu, 01 Jan 1970 00:00:00 GMT"],
    ["a line break and more after it", "Sun, 29 Nov 2026 08:10:00 GMT\r\nX-Evil: 1"],
  ])("%s is no date", (_what, header) => {
    expect(parseHttpDate(header)).toBeNull();
  });
});

describe("the Dates a query client reports", () => {
  let fake: FakeAws;
  let answer: Answer;
  const dated: Dated[] = [];
  const clock = new ManualClock("2026-11-29T08:00:00Z");
  const credentials = { accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: new Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") };
  const api = () => queryApi({ clock, region: "eu-west-1", endpoints: endpointsAt(fake.url), timeoutMs: 2000, maxBodyBytes: 8192, onDated: (d) => void dated.push(d) });
  beforeAll(async () => {
    fake = await startFakeAws(() => answer, { date: () => clock.now() + 10 * 60_000 });
  });
  afterAll(() => fake.close());

  it("are those of the service's answers, values and error envelopes alike, beside the local time they came at", async () => {
    dated.length = 0;
    answer = { status: 200, body: PROTOCOL_CALLER_IDENTITY };
    await api().getCallerIdentity(credentials);
    answer = { status: 403, body: queryErrorXml("SignatureDoesNotMatch", "Signature expired: x") };
    await api().getCallerIdentity(credentials).catch(() => undefined);
    expect(dated).toEqual([
      { service: "sts", serverMs: clock.now() + 10 * 60_000, receivedAt: clock.now() },
      { service: "sts", serverMs: clock.now() + 10 * 60_000, receivedAt: clock.now() },
    ]);
  });

  it("leave out what is not the service's answer (a proxy's error page) and a Date out of format", async () => {
    dated.length = 0;
    answer = { status: 502, body: "<html>proxy error</html>" };
    await api().getCallerIdentity(credentials).catch(() => undefined);
    answer = { status: 200, body: PROTOCOL_CALLER_IDENTITY, headers: { date: "yesterday" } };
    await api().getCallerIdentity(credentials);
    expect(dated).toEqual([]);
  });
});
