import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, finished, startRolewatch, type Daemon } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";

// The README's way of running the command from a clone. This is the only test that goes through npx:
// every other one runs `node dist/main.js`, since parallel workers would share npm's npx cache.
const ROOT = new URL("../..", import.meta.url).pathname;
const README = readFileSync(join(ROOT, "README.md"), "utf8");

describe("`npx rolewatch COMMAND` in a clone, as the README says", () => {
  const cache = mkdtempSync(join(tmpdir(), "rolewatch-npm-cache-"));
  let sim: Daemon;
  let imds: string;
  let aws: string;

  /** npx with an npm cache of this test's own, so that nothing another process left there is read. */
  const npx = (args: string[], env: Record<string, string> = {}) =>
    finished("npx", ["--no-install", "rolewatch", ...args], { cwd: ROOT, env: cleanEnv({ npm_config_cache: cache, npm_config_update_notifier: "false", ...env }) });

  beforeAll(async () => {
    // With its AWS port too: OK means that STS and IAM were read and agree (docs/contract.md, Exit codes).
    sim = startRolewatch(["sim", "--imds-port", "0", "--aws-port", "0"]);
    ({ imds, aws } = JSON.parse(await sim.waitForLine(() => true)) as { imds: string; aws: string });
  });
  afterAll(async () => {
    expect(await sim.stop()).toBe(0);
    rmSync(cache, { recursive: true, force: true });
  });

  it("the README names the form", () => {
    expect(README).toContain("runs as `npx rolewatch COMMAND` (for example\n`npx rolewatch check --json`)");
  });

  it("`npx rolewatch check --json` prints the IMDS view, valid against the contract", async () => {
    const { code, stdout, stderr } = await npx(["check", "--json"], { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds, AWS_ENDPOINT_URL: aws });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const report = JSON.parse(stdout) as unknown;
    expect(contractProblems(report)).toEqual([]);
    expect(report).toMatchObject({ status: "ok", imds: { reachable: true, role: "RedRole" } });
  }, 120_000); // npx reads the whole dependency tree before it starts the command: seconds, more on a busy machine
});
