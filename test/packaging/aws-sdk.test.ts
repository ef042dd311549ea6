import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { cleanEnv, finished } from "../support/cli.js";
import { findTool, requireTool } from "../support/require-tool.js";
import { BUILT, ensurePackages, PACKAGES, run } from "./packages.js";

// The AWS SDK clients are optional dependencies (package.json) that only the simulator's
// --aws-backend loads: npm installs them with rolewatch, the host packages leave them out.
const dpkgDeb = findTool("dpkg-deb", "apt-get install dpkg");
const rpmbuild = findTool("rpmbuild", "apt-get install rpm");

function requireBuild(ctx: TestContext): void {
  requireTool(ctx, dpkgDeb);
  requireTool(ctx, rpmbuild);
}

function files(pkg: string): string[] {
  const path = join(PACKAGES, pkg);
  if (pkg.endsWith(".rpm")) return run("rpm", ["-qpl", path]).trim().split("\n");
  return run("dpkg-deb", ["--contents", path])
    .trim()
    .split("\n")
    .map((line) => line.split(/\s+/).slice(5).join(" ").replace(/^\./, ""));
}

let root = "";

beforeAll(async () => {
  if (!(dpkgDeb.available && rpmbuild.available)) return;
  await ensurePackages();
  root = mkdtempSync(join(tmpdir(), "rolewatch-sdk-"));
  run("dpkg-deb", ["-x", join(PACKAGES, BUILT.deb.amd64), root]);
}, 900_000);

afterAll(() => {
  if (root !== "") rmSync(root, { recursive: true, force: true });
});

describe("the host packages", () => {
  it.for([...Object.values(BUILT.deb), ...Object.values(BUILT.rpm)])("%s: no AWS SDK, and the signer the simulator checks requests with", (pkg, ctx) => {
    requireBuild(ctx);
    const all = files(pkg);
    expect(all.filter((f) => f.includes("/node_modules/@aws-sdk/"))).toEqual([]);
    expect(all).toContain("/usr/lib/rolewatch/node_modules/@smithy/signature-v4/package.json");
  });

  describe("the amd64 package's own program", () => {
    const packaged = (args: string[]) => [join(root, "usr/lib/rolewatch/node"), join(root, "usr/lib/rolewatch/dist/main.js"), ...args] as const;
    const requireHost = (ctx: TestContext) => {
      requireBuild(ctx);
      if (process.arch !== "x64") ctx.skip("the amd64 package's node runs only on x86-64");
    };

    it("says where the simulator's --aws-backend is, and starts nothing", async (ctx) => {
      requireHost(ctx);
      const [node, ...args] = packaged(["sim", "--aws-backend", "http://127.0.0.1:9"]);
      const result = await finished(node, args, { env: cleanEnv() });
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        "rolewatch sim: --aws-backend needs the AWS SDK for JavaScript's STS, IAM and EC2 clients, which npm installs with rolewatch " +
          "and the .deb and .rpm leave out: run the simulator from npm (npx rolewatch sim --aws-backend URL)\n",
      );
      expect(result.code).toBe(3);
    });

    it("runs its own simulator, and checks it", { timeout: 60_000 }, async (ctx) => {
      requireHost(ctx);
      const [node, ...args] = packaged(["sim", "--imds-port", "0", "--aws-port", "0"]);
      const sim = spawn(node, args, { env: cleanEnv(), stdio: ["ignore", "pipe", "inherit"] });
      try {
        const first = await new Promise<string>((resolve) => createInterface({ input: sim.stdout }).once("line", resolve));
        const { imds, aws } = JSON.parse(first) as { imds: string; aws: string };
        const [checkNode, ...checkArgs] = packaged(["check", "--json"]);
        const check = await finished(checkNode, checkArgs, { env: cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds, AWS_ENDPOINT_URL: aws }) });
        expect(check.stderr).toBe("");
        expect(JSON.parse(check.stdout)).toMatchObject({ status: "ok", imds: { role: "RedRole" }, sts: { role: "RedRole" } });
      } finally {
        sim.kill("SIGTERM");
      }
    });
  });
});
