import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, finished, type Finished } from "../support/cli.js";
import { findTool, requireTool } from "../support/require-tool.js";
import { arm64Libraries, emulated, qemu } from "./emulation.js";
import { BUILT, ensurePackages, PACKAGES, run, VERSION } from "./packages.js";

// The arm64 .deb's own node and program, run on this machine under emulation.
const dpkgDeb = findTool("dpkg-deb", "apt-get install dpkg");
const rpmbuild = findTool("rpmbuild", "apt-get install rpm");

function requireEmulation(ctx: TestContext): void {
  for (const tool of [dpkgDeb, rpmbuild, qemu, arm64Libraries]) requireTool(ctx, tool);
}

// Emulated, node starts in about a second and `check` takes about ten on an idle 2-core machine.
const EMULATED_MS = 120_000;

let root = "";
let command = "";

/**
 * The package's /usr/bin/rolewatch, moved into the folder the .deb was unpacked in, with its
 * node run by qemu: everything else as the package has it.
 */
function emulatedCommand(unpacked: string): string {
  const script = readFileSync(join(unpacked, "usr/bin/rolewatch"), "utf8");
  expect(script).toMatch(/^exec \/usr\/lib\/rolewatch\/node /m);
  const moved = script
    .replace(/^exec \/usr\/lib\/rolewatch\/node /m, `exec ${emulated("/usr/lib/rolewatch/node", []).join(" ")} `)
    .replaceAll("/usr/lib/rolewatch/", `${unpacked}/usr/lib/rolewatch/`);
  const path = join(unpacked, "rolewatch-emulated");
  writeFileSync(path, moved, { mode: 0o755 });
  return path;
}

/** The unit's NODE_OPTIONS, as the package installs it: the service runs node with them. */
function unitNodeOptions(unpacked: string): string {
  const unit = readFileSync(join(unpacked, "lib/systemd/system/rolewatch.service"), "utf8");
  const options = /^Environment="NODE_OPTIONS=([^"]*)"$/m.exec(unit)?.[1];
  if (options === undefined) throw new Error("rolewatch.service sets no NODE_OPTIONS");
  return options;
}

function runEmulated(args: string[], env: Record<string, string> = cleanEnv()): Promise<Finished> {
  return finished(command, args, { env });
}

beforeAll(async () => {
  if (!(dpkgDeb.available && rpmbuild.available && qemu.available && arm64Libraries.available)) return;
  await ensurePackages();
  root = mkdtempSync(join(tmpdir(), "rolewatch-arm64-"));
  run("dpkg-deb", ["-x", join(PACKAGES, BUILT.deb.arm64), root]);
  command = emulatedCommand(root);
}, 900_000);

afterAll(() => {
  if (root !== "") rmSync(root, { recursive: true, force: true });
});

describe("the arm64 .deb, run under emulation", () => {
  it("brings an arm64 node that qemu runs", { timeout: EMULATED_MS }, (ctx) => {
    requireEmulation(ctx);
    const node = join(root, "usr/lib/rolewatch/node");
    const [command, ...args] = emulated(node, ["-p", "`${process.arch} ${process.platform}`"]);
    const result = spawnSync(command, args, { encoding: "utf8", timeout: EMULATED_MS });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("arm64 linux\n");
  });

  it("answers --version through the package's own command", { timeout: EMULATED_MS }, async (ctx) => {
    requireEmulation(ctx);
    const result = await runEmulated(["--version"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`rolewatch ${VERSION}\n`);
    expect(result.code).toBe(0);
  });

  describe("against the simulator", () => {
    let sim: Simulator | undefined;
    afterAll(() => sim?.close());

    it("checks it, with the unit's node flags, and finds IMDS, STS and the profile agree", { timeout: EMULATED_MS }, async (ctx) => {
      requireEmulation(ctx);
      sim = await startSimulator({ awsPort: 0 });
      const env = cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl, NODE_OPTIONS: unitNodeOptions(root) });
      const check = await runEmulated(["check", "--json"], env);
      expect(check.stderr).toBe("");
      expect(check.code).toBe(0);
      const report = JSON.parse(check.stdout) as { status: string; imds: { role: string; accessKeyId: string }; sts: { role: string }; profile: { name: string } };
      expect(report).toMatchObject({ status: "ok", imds: { role: "RedRole" }, sts: { role: "RedRole" }, profile: { name: "MyInPr" } });
      // What this simulator serves, not some other IMDS.
      expect(report.imds.accessKeyId).toBe(sim.served()?.issue.v2.accessKeyId);
    });
  });
});
