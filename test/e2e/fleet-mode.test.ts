import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateStore } from "../../src/agent/state-store.js";
import { emptyState } from "../../src/drift/state.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, rolewatch } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";
import { sample, scrape, startWatched, until, type Watched } from "../support/daemon.js";
import { findTool, requireTool } from "../support/require-tool.js";

const promtool = findTool("promtool", "apt-get install prometheus");
const REASON = "read by the account exporter (controlPlane.source: account)";

const controlPlaneCalls = (sim: Simulator) => Object.entries(sim.apiStats().calls).filter(([call]) => !call.startsWith("sts:"));

describe("rolewatch check in fleet mode (controlPlane.source: account)", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ awsPort: 0 });
  });
  afterAll(() => sim.close());

  it("says OK from IMDS and STS alone, with IAM and EC2 `none`, and makes no IAM or EC2 call", async () => {
    const env = cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl });
    const { code, stdout } = await rolewatch(["check", "--json", "--control-plane-source", "account"], env);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(contractProblems(report)).toEqual([]);
    expect(report).toMatchObject({
      status: "ok",
      sts: { role: "RedRole" },
      profile: null,
      association: null,
      sources: { imds: { state: "fresh" }, sts: { state: "fresh" }, profile: { state: "none", reason: REASON }, association: { state: "none", reason: REASON } },
    });
    expect(code).toBe(0);
    expect(controlPlaneCalls(sim)).toEqual([]);
    expect(sim.apiStats().calls["sts:GetCallerIdentity"]).toBe(1);
  });
});

describe("rolewatch run in fleet mode", () => {
  let w: Watched;
  beforeAll(async () => {
    w = await startWatched(["--control-plane-source", "account"]);
    await until(async () => (await scrape(w.url, "/readyz")).status === 200, 10_000, "ready");
  });
  afterAll(async () => {
    await w.agent.stop();
    await w.sim.close();
  });

  it("exports what it serves as rolewatch_served_info, with STS's role and RoleId and never an AccessKeyId", async () => {
    const served = w.sim.served();
    const accessKeyId = served?.issue.v2.accessKeyId ?? "";
    const identity = JSON.parse(await (await fetch(`${w.sim.imdsUrl}/latest/dynamic/instance-identity/document`, { headers: { "x-aws-ec2-metadata-token": await token(w.sim.imdsUrl) } })).text()) as { instanceId: string; accountId: string; region: string };
    const info = JSON.parse(await (await fetch(`${w.sim.imdsUrl}/latest/meta-data/iam/info`, { headers: { "x-aws-ec2-metadata-token": await token(w.sim.imdsUrl) } })).text()) as { InstanceProfileArn: string; InstanceProfileId: string };
    await until(async () => (await scrape(w.url)).body.includes('role="RedRole",role_id="AROA'), 10_000, "STS confirmed");
    const { body } = await scrape(w.url);
    const line = body.split("\n").find((l) => l.startsWith("rolewatch_served_info{")) ?? "";
    expect(line).toMatch(new RegExp(`^rolewatch_served_info\\{instance_id="${identity.instanceId}",account="${identity.accountId}",region="${identity.region}",profile_arn="${info.InstanceProfileArn}",profile_id="${info.InstanceProfileId}",role="RedRole",role_id="AROA\\w+"\\} 1$`));
    expect(body.split("\n").filter((l) => l.startsWith("rolewatch_served_info"))).toHaveLength(1);
    expect(accessKeyId).not.toBe("");
    expect(body).not.toContain(accessKeyId);
    expect(sample(body, 'rolewatch_source_up{source="profile"}')).toBe(1);
    expect(sample(body, 'rolewatch_source_up{source="association"}')).toBe(1);
  });

  it("calls neither IAM nor EC2 however long it polls, and STS as in local mode", async () => {
    const polls = async () => sample((await scrape(w.url)).body, "rolewatch_observation_duration_seconds_count") ?? 0;
    const seen = await polls();
    await until(async () => (await polls()) >= seen + 3, 15_000, "three more polls");
    expect(controlPlaneCalls(w.sim)).toEqual([]);
    expect(w.sim.apiStats().calls["sts:GetCallerIdentity"]).toBe(1);
    const status = JSON.parse((await scrape(w.url, "/status")).body) as { status: string };
    expect(status.status).toBe("ok");
  });

  it("gives a scrape promtool check metrics finds nothing to complain about", async (ctx) => {
    requireTool(ctx, promtool);
    const result = spawnSync("promtool", ["check", "metrics"], { input: (await scrape(w.url)).body, encoding: "utf8" });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  });
});

describe("rolewatch run started in fleet mode on a local mode's state", () => {
  it("ends the open drifts only IAM or EC2 could resolve, saying why", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "rolewatch-fleet-"));
    const since = Date.now() - 600_000;
    new StateStore(stateDir).save({ ...emptyState(), open: { profile_role_mismatch: { since, detail: "IMDS serves RedRole; instance profile MyInPr holds BlueRole" } } });
    const w = await startWatched(["--control-plane-source", "account", "--state-dir", stateDir]);
    try {
      const line = await w.agent.waitForLine((l) => l.includes('"drift-resolved"'), 10_000);
      expect(JSON.parse(line)).toMatchObject({ rolewatch: { drift: { kind: "profile_role_mismatch", resolution: expect.stringContaining("controlPlane.source account") } } });
      await until(async () => (await scrape(w.url, "/readyz")).status === 200, 10_000, "ready");
      const { body } = await scrape(w.url);
      expect(sample(body, 'rolewatch_drift{kind="profile_role_mismatch"}')).toBe(0);
      expect(JSON.parse((await scrape(w.url, "/status")).body)).toMatchObject({ status: "ok", drifts: [] });
    } finally {
      await w.agent.stop();
      await w.sim.close();
    }
  });
});

async function token(imds: string): Promise<string> {
  const res = await fetch(`${imds}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } });
  return res.text();
}
