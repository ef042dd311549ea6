/**
 * `rolewatch sim --instances 200` as a user starts it: every instance's IMDS
 * on the first line, each answering IMDSv2 for its own instance, and the aws
 * CLI paging through the whole account, its associations and its profiles,
 * as an account-wide reader does (docs/contract.md, Simulator fleet).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiStats } from "../../../src/sim/index.js";
import { startRolewatch, type Daemon } from "../../support/cli.js";
import { findTool, requireTool } from "../../support/require-tool.js";
import { cliEnv } from "./support.js";

const run = promisify(execFile);
const awsCli = findTool("aws", "pip install awscli (the aws CLI, v1 or v2)");
const INSTANCES = 200;
const PROFILES = 150;

let home: string;
let sim: Daemon;
let first: { imds: string; aws: string; instances: Record<string, string> };
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "rolewatch-fleet-command-"));
  for (const file of ["config", "credentials"]) writeFileSync(join(home, file), "");
  const file = join(home, "endpoints.json");
  sim = startRolewatch(["sim", "--instances", String(INSTANCES), "--profiles", String(PROFILES), "--endpoints-file", file]);
  first = JSON.parse(await sim.waitForLine(() => true, 30_000)) as typeof first;
  expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(first);
  await sim.waitForLine((l) => l.startsWith("# fleet of "));
  const exported = Object.fromEntries(sim.lines.filter((l) => l.startsWith("export ")).map((l) => l.slice("export ".length).split(/=(.*)/s).slice(0, 2) as [string, string]));
  env = cliEnv(home, { accessKeyId: exported.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: exported.AWS_SECRET_ACCESS_KEY ?? "" }, { AWS_ENDPOINT_URL: exported.AWS_ENDPOINT_URL ?? "" });
}, 60_000);
afterAll(async () => {
  expect(await sim.stop()).toBe(0);
  rmSync(home, { recursive: true, force: true });
});

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run("aws", [...args, "--output", "json"], { env, timeout: 30_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function apiStats(): Promise<ApiStats> {
  return (await (await fetch(`${first.imds}/rolewatch-sim/api-stats`)).json()) as ApiStats;
}

/** An IMDSv2 read, the token fetched from the same listener. */
async function imds(url: string, path: string): Promise<string> {
  const token = await (await fetch(`${url}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } })).text();
  const res = await fetch(`${url}${path}`, { headers: { "x-aws-ec2-metadata-token": token } });
  if (res.status !== 200) throw new Error(`${url}${path} answered ${res.status}`);
  return res.text();
}

describe(`rolewatch sim --instances ${INSTANCES}`, () => {
  it("lists every instance's IMDS on its first line, the exported one first, each on a port of its own", () => {
    expect(Object.keys(first)).toEqual(["imds", "aws", "instances"]);
    const urls = Object.values(first.instances);
    expect(urls).toHaveLength(INSTANCES);
    expect(new Set(urls).size).toBe(INSTANCES);
    expect(urls[0]).toBe(first.imds);
    expect(sim.lines).toContain(`# fleet of ${INSTANCES} instances over ${PROFILES} profiles; exported: instance ${Object.keys(first.instances)[0]}; control: each instance's IMDS URL + /rolewatch-sim/`);
  });

  it("answers IMDSv2 on every listener with that instance's identity and its profile's role", async () => {
    const entries = Object.entries(first.instances);
    for (let i = 0; i < entries.length; i += 25) {
      await Promise.all(
        entries.slice(i, i + 25).map(async ([instanceId, url], j) => {
          const identity = JSON.parse(await imds(url, "/latest/dynamic/instance-identity/document")) as { instanceId: string };
          expect(identity.instanceId).toBe(instanceId);
          const k = ((i + j) % PROFILES) + 1;
          expect(await imds(url, "/latest/meta-data/iam/security-credentials/")).toBe(k === 1 ? "RedRole" : `RedRole-${k}`);
        }),
      );
    }
  });

  it("lets the aws CLI page through all associations and all profiles; the simulator counts each page", async (ctx) => {
    requireTool(ctx, awsCli);
    const before = await apiStats();
    const all = await aws("ec2", "describe-iam-instance-profile-associations", "--page-size", "50");
    const associations = all.IamInstanceProfileAssociations as { InstanceId: string; State: string }[];
    expect(associations.map((a) => a.InstanceId).sort()).toEqual(Object.keys(first.instances).sort());
    expect(new Set(associations.map((a) => a.State))).toEqual(new Set(["associated"]));
    const profiles = (await aws("iam", "list-instance-profiles")).InstanceProfiles as { InstanceProfileName: string; Roles: { RoleName: string }[] }[];
    expect(profiles).toHaveLength(PROFILES);
    expect(profiles.find((p) => p.InstanceProfileName === "MyInPr")?.Roles.map((r) => r.RoleName)).toEqual(["RedRole"]);
    const after = await apiStats();
    const delta = (key: string) => ({ pages: (after.pages[key]?.pages ?? 0) - (before.pages[key]?.pages ?? 0), items: (after.pages[key]?.items ?? 0) - (before.pages[key]?.items ?? 0) });
    expect(delta("ec2:DescribeIamInstanceProfileAssociations")).toEqual({ pages: 4, items: INSTANCES });
    expect(delta("iam:ListInstanceProfiles")).toEqual({ pages: 2, items: PROFILES }); // MaxItems defaults to 100, as IAM's
  });

  it("stops at --max-items and goes on from --starting-token, for both lists", async (ctx) => {
    requireTool(ctx, awsCli);
    const head = await aws("iam", "list-instance-profiles", "--max-items", "120", "--page-size", "40");
    const tail = await aws("iam", "list-instance-profiles", "--starting-token", String(head.NextToken), "--page-size", "40");
    const names = [head, tail].flatMap((out) => (out.InstanceProfiles as { InstanceProfileName: string }[]).map((p) => p.InstanceProfileName));
    expect([(head.InstanceProfiles as unknown[]).length, names.length, new Set(names).size]).toEqual([120, PROFILES, PROFILES]);
    expect(tail.NextToken).toBeUndefined();
    const some = await aws("ec2", "describe-iam-instance-profile-associations", "--max-items", "150", "--page-size", "100");
    const rest = await aws("ec2", "describe-iam-instance-profile-associations", "--starting-token", String(some.NextToken), "--page-size", "100");
    const ids = [some, rest].flatMap((out) => (out.IamInstanceProfileAssociations as { InstanceId: string }[]).map((a) => a.InstanceId));
    expect([(some.IamInstanceProfileAssociations as unknown[]).length, new Set(ids).size]).toEqual([150, INSTANCES]);
  });
});
