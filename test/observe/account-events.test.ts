import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { createAccountEvents } from "../../src/observe/account-events.js";

type Json = Record<string, unknown>;

function setup() {
  const raw: string[] = [];
  const events = createAccountEvents({ clock: new ManualClock("2026-11-29T08:00:00Z"), version: "1.2.3", destination: { write: (s: string) => void raw.push(s) } });
  return { events, lines: () => raw.map((s) => JSON.parse(s) as Json) };
}

describe("the account exporter's log events", () => {
  it("name the account, the API and the region of an outage, and its end", () => {
    const { events, lines } = setup();
    events.change({ change: "failed", account: "111122223333", api: "ec2", region: "eu-west-1", failure: { kind: "throttled", code: "RequestLimitExceeded", status: 503, message: "Request limit exceeded." } });
    events.change({ change: "recovered", account: "111122223333", api: "ec2", region: "eu-west-1", downSeconds: 90 });
    const [failed, recovered] = lines();
    expect(failed).toMatchObject({
      "log.level": "warn",
      "@timestamp": "2026-11-29T08:00:00.000Z",
      message: "EC2 DescribeIamInstanceProfileAssociations in eu-west-1 for account 111122223333 failed: RequestLimitExceeded (HTTP 503): Request limit exceeded.; its series are kept as last read",
      event: { kind: "event", action: "account-cycle-failed", severity: 47, dataset: "rolewatch.log" },
      rolewatch: { account: { api: "ec2", region: "eu-west-1", kind: "throttled", code: "RequestLimitExceeded" } },
      cloud: { provider: "aws", account: { id: "111122223333" } },
      service: { name: "rolewatch", version: "1.2.3", type: "account" },
      ecs: { version: "8.11.0" },
    });
    expect(recovered).toMatchObject({
      "log.level": "info",
      message: "EC2 DescribeIamInstanceProfileAssociations in eu-west-1 for account 111122223333 answers again after 90 s",
      event: { action: "account-cycle-recovered", severity: 0 },
      rolewatch: { account: { api: "ec2", region: "eu-west-1", down_s: 90 } },
    });
  });

  it("write start and stop as process events, and an account not known yet without cloud.account", () => {
    const { events, lines } = setup();
    events.started({ version: "1.2.3", config: { account: { intervalMs: 60_000 } } });
    events.change({ change: "failed", account: null, api: "sts", region: "", failure: { kind: "error", code: "NoCredentials", message: "the host's IMDS serves no role credentials" } });
    events.stopping({ signal: "SIGHUP" });
    const [started, failed, stopping] = lines();
    expect(started).toMatchObject({ event: { action: "account-started", category: ["process"], type: ["start"] }, rolewatch: { config: { account: { intervalMs: 60_000 } } } });
    expect(failed).toMatchObject({ message: expect.stringContaining("STS for account (not known yet) failed: NoCredentials"), cloud: { provider: "aws" } });
    expect((failed as { cloud: Json }).cloud).not.toHaveProperty("account");
    expect(stopping).toMatchObject({ message: "rolewatch account stopping on SIGHUP", event: { action: "account-stopping", type: ["end"] } });
  });
});
