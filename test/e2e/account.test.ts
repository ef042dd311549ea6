import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { answer, association, profile, throttled, type World } from "../support/account-fake.js";
import { startFakeAws, type FakeAws } from "../support/aws-loopback.js";
import { cleanEnv, eventsOf, rolewatch, startRolewatch } from "../support/cli.js";
import { sample, scrape, until } from "../support/daemon.js";

describe("rolewatch account, the command", () => {
  it("refuses to start until the principal is said, and refuses the agent's flags", async () => {
    const unsaid = await rolewatch(["account", "--region", "eu-west-1"]);
    expect(unsaid.code).toBe(3);
    expect(unsaid.stderr).toContain("account.credentials: not set");
    const agents = await rolewatch(["account", "--account-credentials", "environment", "--poll-interval", "30s"]);
    expect(agents.code).toBe(3);
    expect(agents.stderr).toContain("--poll-interval: rolewatch account does not use poll.interval (only rolewatch run does)");
  });

  it("says in --help what it calls and which permissions that takes", async () => {
    const { code, stdout } = await rolewatch(["account", "--help"]);
    expect(code).toBe(0);
    for (const words of ["iam:ListInstanceProfiles", "ec2:DescribeIamInstanceProfileAssociations", "sts:AssumeRole", "--account-assume-roles", "rolewatch_account_profile_info", "--region"]) {
      expect(stdout).toContain(words);
    }
    expect(stdout).not.toContain("--poll-interval");
  });
});

describe("rolewatch account on a host, with the credentials and region of its IMDS", () => {
  let sim: Simulator;
  let fake: FakeAws;
  const world: World = { profiles: [profile(1), profile(2, 0)], associations: {}, pageSize: 1, faults: {} };
  beforeAll(async () => {
    sim = await startSimulator({ awsPort: 0 });
    world.associations["us-east-1"] = [association(1, world.profiles[0]!)];
    fake = await startFakeAws((req) => answer(world, req));
  });
  afterAll(async () => {
    await fake.close();
    await sim.close();
  });

  it("signs with the role credentials IMDS serves, reads the identity document's region, follows the pages, and writes no key", async () => {
    const exporter = startRolewatch(
      ["account", "--account-credentials", "imds", "--account-listen", "127.0.0.1:0", "--account-interval", "30s", "--imds-endpoint", sim.imdsUrl],
      cleanEnv({ AWS_ENDPOINT_URL: fake.url }),
    );
    try {
      const started = JSON.parse(await exporter.waitForLine((l) => l.includes('"account-started"'))) as { rolewatch: { config: { http: { url: string }; account: { regions: string[] } } } };
      const { url } = started.rolewatch.config.http;
      expect(started.rolewatch.config.account.regions).toEqual(["us-east-1"]);
      await until(async () => (await scrape(url, "/readyz")).status === 200, 10_000, "ready");
      const served = sim.served()?.issue.v2.accessKeyId;
      expect(fake.requests.map((r) => r.accessKeyId).every((key) => key === served)).toBe(true);
      expect(fake.calls("ec2").map((r) => r.region)).toEqual(["us-east-1"]);
      const { body } = await scrape(url);
      expect(body.split("\n").filter((l) => l.startsWith("rolewatch_account_profile_info{"))).toHaveLength(2);
      expect(sample(body, 'rolewatch_account_pages_total{account="123456789012",api="iam",region=""}')).toBe(2);
      expect(body).not.toContain(served ?? "none");
      const status = JSON.parse((await scrape(url, "/status")).body) as object;
      expect(status).toMatchObject({ status: "ok", accounts: [{ account: "123456789012", principal: "imds", profiles: 2, associations: { "us-east-1": 1 } }] });
      expect(exporter.lines.join("\n")).not.toContain(served ?? "none");
      expect(JSON.stringify(exporter.lines)).not.toMatch(/SecretAccessKey|secret/i);
    } finally {
      expect(await exporter.stop()).toBe(0);
    }
    expect(eventsOf(exporter, "account-stopping")).toHaveLength(1);
    expect(exporter.stderr()).toBe("");
  });

  it("a throttled IAM: one account-cycle-failed event for the account, up 0, the request counted as throttled", async () => {
    world.faults = { ListInstanceProfiles: (req) => throttled(req.service) };
    const exporter = startRolewatch(
      ["account", "--account-credentials", "environment", "--account-listen", "127.0.0.1:0", "--account-interval", "30s", "--region", "us-east-1"],
      cleanEnv({ AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: "AKIAMONITORMONITOR01", AWS_SECRET_ACCESS_KEY: "monitorSecretKeyEXAMPLEmonitorSecretKey1" }),
    );
    try {
      const failed = JSON.parse(await exporter.waitForLine((l) => l.includes('"account-cycle-failed"'))) as Record<string, unknown>;
      expect(failed).toMatchObject({
        "log.level": "warn",
        event: { action: "account-cycle-failed", severity: 47 },
        cloud: { account: { id: "123456789012" } },
        rolewatch: { account: { api: "iam", kind: "throttled", code: "Throttling" } },
      });
      const { url } = (JSON.parse(exporter.lines[0] ?? "{}") as { rolewatch: { config: { http: { url: string } } } }).rolewatch.config.http;
      await until(async () => (await scrape(url, "/readyz")).status === 200, 10_000, "ready");
      const { body } = await scrape(url);
      expect(sample(body, 'rolewatch_account_up{account="123456789012",api="iam",region=""}')).toBe(0);
      expect(sample(body, 'rolewatch_account_requests_total{account="123456789012",api="iam",region="",outcome="throttled"}')).toBe(1);
      expect(JSON.stringify(exporter.lines)).not.toContain("monitorSecretKey");
    } finally {
      world.faults = {};
      expect(await exporter.stop()).toBe(0);
    }
  });
});
