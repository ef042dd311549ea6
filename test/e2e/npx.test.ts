import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, finished, startRolewatch, type Daemon } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";

// The README's way of running the command from a clone. npx runs the package's own `bin` entry with
// node; the test runs that same file as `node FILE`, not through npx, whose cache parallel workers
// would share.
const ROOT = new URL("../..", import.meta.url).pathname;
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const BIN = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> }).bin;

describe("`npx rolewatch COMMAND` in a clone, as the README says", () => {
  let sim: Daemon;
  let imds: string;
  let aws: string;

  /** What `npx rolewatch ARGS` runs in a clone: the `bin` entry named rolewatch, with node. */
  const viaBin = (args: string[], env: Record<string, string> = {}) =>
    finished(process.execPath, [join(ROOT, BIN.rolewatch ?? "(no rolewatch bin)"), ...args], { cwd: ROOT, env: cleanEnv(env) });

  beforeAll(async () => {
    // With its AWS port too: OK means that STS and IAM were read and agree (docs/contract.md, Exit codes).
    sim = startRolewatch(["sim", "--imds-port", "0", "--aws-port", "0"]);
    ({ imds, aws } = JSON.parse(await sim.waitForLine(() => true)) as { imds: string; aws: string });
  });
  afterAll(async () => {
    expect(await sim.stop()).toBe(0);
  });

  it("the README names the form, and npx finds the command: a bin entry rolewatch, a file node runs", () => {
    expect(README).toContain("runs as `npx rolewatch COMMAND` (for example\n`npx rolewatch check --json`)");
    expect(BIN).toEqual({ rolewatch: "dist/main.js" });
    expect(readFileSync(join(ROOT, BIN.rolewatch!), "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("`npx rolewatch check --json` prints the IMDS view, valid against the contract", async () => {
    const { code, stdout, stderr } = await viaBin(["check", "--json"], { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds, AWS_ENDPOINT_URL: aws });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const report = JSON.parse(stdout) as unknown;
    expect(contractProblems(report)).toEqual([]);
    expect(report).toMatchObject({ status: "ok", imds: { reachable: true, role: "RedRole" } });
  }, 60_000);
});
