/**
 * The acceptance test of the simulator's IMDS side: the real clients, run for
 * real, read credentials from it with IMDSv2 and no other credential source.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fromInstanceMetadata } from "@smithy/credential-provider-imds";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { findTool, requireTool, type Tool } from "../support/require-tool.js";

const run = promisify(execFile);
let sim: Simulator;
let home: string;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "rolewatch-sim-clients-"));
  for (const file of ["config", "credentials"]) writeFileSync(join(home, file), "");
});
afterAll(() => rmSync(home, { recursive: true, force: true }));
beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(() => sim.close());

const servedKey = () => sim.served()?.issue.v2.accessKeyId;

/** An environment where IMDS, reached over IMDSv2 only, is the only credential source. */
function imdsOnlyEnv(): NodeJS.ProcessEnv {
  const keep = ["PATH", "LANG", "PYENV_ROOT", "PYENV_VERSION", "SYSTEMROOT"];
  return {
    ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
    HOME: home,
    AWS_CONFIG_FILE: join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `${sim.imdsUrl}/`,
    AWS_EC2_METADATA_V1_DISABLED: "true",
    AWS_METADATA_SERVICE_TIMEOUT: "5",
  };
}

const aws = findTool("aws", "pip install awscli (the aws CLI, v1 or v2)");
const curl = findTool("curl", "your system's curl package (apt-get install curl)");
const botocore: Tool = {
  name: "python3 with botocore",
  install: "pip install botocore (the aws CLI v1 brings it)",
  available: spawnSync("python3", ["-c", "import botocore"], { stdio: "ignore" }).status === 0,
};

describe("botocore and the aws CLI read the simulator's IMDS", () => {
  it("botocore's credential chain returns the AccessKeyId the simulator serves", async (ctx) => {
    requireTool(ctx, botocore);
    const script = "import botocore.session; print(botocore.session.Session().get_credentials().get_frozen_credentials().access_key)";
    const { stdout } = await run("python3", ["-c", script], { env: imdsOnlyEnv(), timeout: 15_000 });
    expect(stdout.trim()).toBe(servedKey());
    expect(sim.stats().tokensIssued).toBeGreaterThanOrEqual(1);
  });

  it("`aws configure list` finds iam-role credentials ending in the served key", async (ctx) => {
    // aws CLI v1 has no `configure export-credentials`; `configure list` shows the key's last four characters.
    requireTool(ctx, aws);
    const { stdout } = await run("aws", ["configure", "list"], { env: imdsOnlyEnv(), timeout: 15_000 });
    const line = stdout.split("\n").find((l) => l.trim().startsWith("access_key")) ?? "";
    expect(line).toMatch(/\biam-role\b/);
    expect(line).toContain(servedKey()?.slice(-4));
  });
});

describe("the AWS SDK for JavaScript v3 reads the simulator's IMDS", () => {
  it("fromInstanceMetadata with IMDSv1 disabled returns the served AccessKeyId", async () => {
    const saved = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = sim.imdsUrl;
    try {
      const credentials = await fromInstanceMetadata({ ec2MetadataV1Disabled: true, timeout: 5000 })();
      expect(credentials.accessKeyId).toBe(servedKey());
      expect(credentials.sessionToken).toBe(sim.served()?.issue.v2.sessionToken);
      expect(credentials.expiration?.getTime()).toBe(sim.served()?.issue.expiresAt);
    } finally {
      if (saved === undefined) delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
      else process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = saved;
    }
  });
});

describe("the field report's curl commands work against the simulator", () => {
  const sh = (script: string) => run("bash", ["-c", script], { env: { PATH: process.env.PATH, IMDS: sim.imdsUrl }, timeout: 15_000 });
  const status = async (args: string) => (await sh(`curl -s -o /dev/null -w '%{http_code}' ${args}`)).stdout;

  it("reads the role's credentials with a token", async (ctx) => {
    requireTool(ctx, curl);
    const { stdout, stderr } = await sh(
      'TOKEN=`curl -X PUT "$IMDS/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600"` && ' +
        'curl -H "X-aws-ec2-metadata-token: $TOKEN" -v $IMDS/latest/meta-data/iam/security-credentials/RedRole',
    );
    expect((JSON.parse(stdout) as { AccessKeyId: string }).AccessKeyId).toBe(servedKey());
    expect(stderr).toMatch(/< HTTP\/1\.1 200 OK/);
    expect(stderr).toMatch(/< Server: EC2ws/);
  });

  it("is refused without a token (401), with a TTL of 0 or 21601 (400), and with X-Forwarded-For (403)", async (ctx) => {
    requireTool(ctx, curl);
    expect(await status("$IMDS/latest/meta-data/iam/security-credentials/RedRole")).toBe("401");
    expect(await status('-X PUT "$IMDS/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 0"')).toBe("400");
    expect(await status('-X PUT "$IMDS/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21601"')).toBe("400");
    expect(await status('-X PUT "$IMDS/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600" -H "X-Forwarded-For: 1.2.3.4"')).toBe("403");
  });
});
