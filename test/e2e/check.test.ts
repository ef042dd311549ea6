import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../imds/loopback.js";
import { cleanEnv, rolewatch, startRolewatch, type Daemon } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";
import { raw } from "../support/sim-http.js";

/** What a standalone simulator serves right now, read the way the field report does (token, then GET). */
async function servedAccessKeyId(imds: string): Promise<string> {
  const token = await raw(imds, "/latest/api/token", { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": "60" } });
  const creds = await raw(imds, "/latest/meta-data/iam/security-credentials/RedRole", { headers: { "X-aws-ec2-metadata-token": token.text } });
  return (JSON.parse(creds.text) as { AccessKeyId: string }).AccessKeyId;
}

describe("rolewatch check against a standalone rolewatch sim", () => {
  let sim: Daemon;
  let imds: string;
  let aws: string;

  beforeAll(async () => {
    // With its AWS port too: OK means that STS and IAM were read and agree (docs/contract.md, Exit codes).
    sim = startRolewatch(["sim", "--imds-port", "0", "--aws-port", "0"]);
    ({ imds, aws } = JSON.parse(await sim.waitForLine(() => true)) as { imds: string; aws: string });
  });
  afterAll(async () => {
    expect(await sim.stop()).toBe(0);
  });

  it("`rolewatch check --json` prints the IMDS view, valid against the contract", async () => {
    const { code, stdout } = await rolewatch(["check", "--json"], cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds, AWS_ENDPOINT_URL: aws }));
    const report = JSON.parse(stdout) as { status: string; imds: Record<string, unknown>; instance: Record<string, unknown> };
    expect(contractProblems(report)).toEqual([]);
    expect(code).toBe(0);
    expect(report.status).toBe("ok");
    expect(report.imds).toMatchObject({
      reachable: true,
      role: "RedRole",
      code: "Success",
      profileArn: "arn:aws:iam::111122223333:instance-profile/MyInPr",
      accessKeyId: await servedAccessKeyId(imds),
    });
    expect(report.instance).toMatchObject({ accountId: "111122223333", region: "us-east-1" });
  });

  it("the human report names the role, the key and when it expires", async () => {
    const { code, stdout } = await rolewatch(["check", "--imds-endpoint", imds], cleanEnv({ AWS_ENDPOINT_URL: aws }));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ROLEWATCH OK - IMDS serves RedRole \(ASIA[A-Z0-9]{16}\), and STS and the instance profile agree\n/);
    expect(stdout).toMatch(/expires +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 5h 5\dm\)/);
  });

  it("with IMDS serving no role, reports that as a value, not a failure", async () => {
    await raw(imds, "/rolewatch-sim/deliver", { method: "POST", body: '{"role":null}' });
    try {
      const { code, stdout } = await rolewatch(["check", "--json", "--imds-endpoint", imds], cleanEnv({ AWS_ENDPOINT_URL: aws }));
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ imds: { reachable: true, role: null, accessKeyId: null }, sources: { sts: { state: "none" }, profile: { state: "none" } } });
    } finally {
      await raw(imds, "/rolewatch-sim/deliver", { method: "POST", body: '{"role":"RedRole"}' });
    }
  });
});

describe("rolewatch check when IMDS cannot be read", () => {
  it("exits 3 (UNKNOWN) with a one-line reason", async () => {
    const port = await closedPort();
    const { code, stderr, stdout } = await rolewatch(["check", "--imds-endpoint", `http://127.0.0.1:${port}`]);
    expect(code).toBe(3);
    expect(stderr).toBe(`rolewatch: IMDS cannot be read at http://127.0.0.1:${port}: unreachable reading /latest/api/token\n`);
    expect(stdout).toMatch(/^ROLEWATCH UNKNOWN - /);
  });

  it("still prints a contract-valid JSON object with --json", async () => {
    const port = await closedPort();
    const { code, stdout } = await rolewatch(["check", "--json", "--imds-endpoint", `http://127.0.0.1:${port}`]);
    expect(code).toBe(3);
    const report = JSON.parse(stdout) as unknown;
    expect(contractProblems(report)).toEqual([]);
    expect(report).toMatchObject({ status: "unknown", imds: { reachable: false } });
  });

  it("exits 3 and lists every configuration problem, without a stack trace", async () => {
    const { code, stderr } = await rolewatch(["check", "--poll-interval", "7s", "--imds-timeout", "1h", "--bogus"]);
    expect(code).toBe(3);
    expect(stderr.split("\n").filter((l) => l.startsWith("  "))).toHaveLength(3);
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe("a bad AWS endpoint setting", () => {
  it.each([
    ["check", []],
    ["run", ["--listen", "127.0.0.1:0", "--state-dir", "/nonexistent/rolewatch-test"]],
  ])("stops `rolewatch %s` at start with exit 3, naming the variable and the value", async (command, args) => {
    const { code, stderr } = await rolewatch([command, ...args], cleanEnv({ AWS_ENDPOINT_URL: "garbage" }));
    expect(code).toBe(3);
    expect(stderr).toContain(`rolewatch ${command}: invalid configuration:\n  aws.endpoint: invalid value "garbage" from env AWS_ENDPOINT_URL`);
  });
});

describe("rolewatch check's options", () => {
  it("--help lists every option check uses, and none that only the daemon reads", async () => {
    const { code, stdout } = await rolewatch(["check", "--help"]);
    expect(code).toBe(0);
    for (const flag of ["--imds-endpoint", "--aws-endpoint", "--region", "--control-plane-credentials", "--state-dir", "--config"]) expect(stdout).toContain(`  ${flag} `);
    for (const flag of ["--listen", "--http-max-connections", "--poll-interval", "--sts-interval", "--control-plane-interval", "--log-level"]) expect(stdout).not.toContain(flag);
  });

  it("refuses, as a configuration error, a daemon-only flag it would otherwise ignore", async () => {
    const { code, stderr } = await rolewatch(["check", "--listen", ":9725", "--log-level", "debug"]);
    expect(code).toBe(3);
    expect(stderr).toBe(
      "rolewatch check: invalid configuration:\n" +
        "  --listen: rolewatch check does not use http.listen (only rolewatch run does)\n" +
        "  --log-level: rolewatch check does not use log.level (only rolewatch run and rolewatch account do)\n",
    );
  });
});
