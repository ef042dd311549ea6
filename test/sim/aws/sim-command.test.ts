/**
 * `rolewatch sim` as a user starts it: the endpoints on the first line, then
 * export lines that are enough for the aws CLI to drive the simulator, even
 * when the simulator's time runs many times faster than the CLI's.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRolewatch, type Daemon } from "../../support/cli.js";
import { findTool, requireTool } from "../../support/require-tool.js";
import { cliEnv } from "./support.js";

const run = promisify(execFile);
const awsCli = findTool("aws", "pip install awscli (the aws CLI, v1 or v2)");

let home: string;
let sim: Daemon;
let endpoints: { imds: string; aws: string };
let exported: Record<string, string>;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "rolewatch-sim-command-"));
  for (const file of ["config", "credentials"]) writeFileSync(join(home, file), "");
  // 3600 times faster: 15 minutes of simulated time pass in a quarter of a second.
  sim = startRolewatch(["sim", "--time-scale", "3600"]);
  endpoints = JSON.parse(await sim.waitForLine(() => true)) as typeof endpoints;
  await sim.waitForLine((l) => l.startsWith("export AWS_DEFAULT_REGION="));
  exported = Object.fromEntries(sim.lines.filter((l) => l.startsWith("export ")).map((l) => l.slice("export ".length).split(/=(.*)/s).slice(0, 2) as [string, string]));
});
afterAll(async () => {
  expect(await sim.stop()).toBe(0);
  rmSync(home, { recursive: true, force: true });
});

describe("rolewatch sim", () => {
  it("prints both endpoints on its first line, then what a shell exports to use them", () => {
    expect(Object.keys(endpoints)).toEqual(["imds", "aws"]);
    expect(endpoints.aws).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(exported).toEqual({
      AWS_EC2_METADATA_SERVICE_ENDPOINT: `${endpoints.imds}/`,
      AWS_ENDPOINT_URL: endpoints.aws,
      AWS_ACCESS_KEY_ID: expect.stringMatching(/^AKIA[A-Z0-9]{16}$/),
      AWS_SECRET_ACCESS_KEY: expect.stringMatching(/^\S{40}$/),
      AWS_DEFAULT_REGION: "us-east-1",
    });
  });

  it("its exports alone let the aws CLI, signing with the real time, drive the faster-running simulator", async (ctx) => {
    requireTool(ctx, awsCli);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // over an hour of simulated time
    const keys = { accessKeyId: exported.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: exported.AWS_SECRET_ACCESS_KEY ?? "" };
    const env = cliEnv(home, keys, { AWS_ENDPOINT_URL: exported.AWS_ENDPOINT_URL ?? "" });
    const { stdout } = await run("aws", ["iam", "get-instance-profile", "--instance-profile-name", "MyInPr", "--output", "json"], { env, timeout: 15_000 });
    expect((JSON.parse(stdout) as { InstanceProfile: { Roles: { RoleName: string }[] } }).InstanceProfile.Roles.map((r) => r.RoleName)).toEqual(["RedRole"]);
  });
});
