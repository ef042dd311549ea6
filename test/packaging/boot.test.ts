import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTool, requireTool } from "../support/require-tool.js";
import { BUILT, ensurePackages, PACKAGES, REPO } from "./packages.js";

const nspawn = findTool("systemd-nspawn", "apt-get install systemd-container");
const debootstrap = findTool("debootstrap", "apt-get install debootstrap");
const dpkgDeb = findTool("dpkg-deb", "apt-get install dpkg");
const rpmbuild = findTool("rpmbuild", "apt-get install rpm");

const MACHINES = join(REPO, "out/nspawn");
// A minimal Debian with systemd, made once per machine and kept in out/ (about 470 MB).
const BASE = join(MACHINES, "bookworm");

function makeBase(): void {
  if (existsSync(join(BASE, "usr/lib/systemd/systemd"))) return;
  const partial = `${BASE}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(MACHINES, { recursive: true });
  const made = spawnSync("debootstrap", ["--variant=minbase", "--include=systemd,systemd-sysv,dbus,libstdc++6", "bookworm", partial], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`debootstrap failed:\n${made.stdout}${made.stderr}`);
  renameSync(partial, BASE);
}

/**
 * Boots a copy of the base with the harness as a boot-time service, and
 * returns what the harness wrote (test/packaging/boot-harness.sh).
 */
function boot(deb: string, ports: number[]): Record<string, string> {
  const root = join(mkdtempSync(join(MACHINES, "run-")), "root");
  try {
    // cp, not fs.cpSync: the base has device nodes in /dev.
    const copied = spawnSync("cp", ["-a", "--reflink=auto", BASE, root], { encoding: "utf8" });
    if (copied.status !== 0) throw new Error(`cp failed: ${copied.stderr}`);
    mkdirSync(join(root, "harness"));
    copyFileSync(join(REPO, "test/packaging/boot-harness.sh"), join(root, "harness/run.sh"));
    copyFileSync(deb, join(root, "harness/rolewatch.deb"));
    writeFileSync(
      join(root, "etc/systemd/system/harness.service"),
      `[Service]\nType=oneshot\nExecStart=/bin/sh /harness/run.sh /harness/rolewatch.deb ${ports.join(" ")}\n`,
    );
    symlinkSync("/etc/systemd/system/harness.service", join(root, "etc/systemd/system/multi-user.target.wants/harness.service"));
    // No systemd on the host to register with: --register=no --keep-unit.
    const run = spawnSync("timeout", ["240", "systemd-nspawn", "--quiet", "--boot", "--register=no", "--keep-unit", "--console=pipe", "-D", root], {
      encoding: "utf8",
    });
    const out = join(root, "harness/out");
    const text = existsSync(out) ? readFileSync(out, "utf8") : "";
    if (!text.includes("done=yes")) throw new Error(`the harness did not finish (${run.status}):\n${text}\n${run.stdout}${run.stderr}`);
    return Object.fromEntries(text.trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
  } finally {
    rmSync(join(root, ".."), { recursive: true, force: true });
  }
}

describe("the amd64 .deb on a Debian booted with systemd (systemd-nspawn)", () => {
  it("starts the sandboxed service, which polls the simulator; restarts it on upgrade; stops and forgets it on purge", { timeout: 600_000 }, async (ctx) => {
    requireTool(ctx, dpkgDeb);
    requireTool(ctx, rpmbuild);
    requireTool(ctx, nspawn);
    requireTool(ctx, debootstrap);
    if (process.getuid?.() !== 0) {
      if (process.env.CI === "true") throw new Error("booting a container needs root (required under CI=true)");
      ctx.skip("booting a container needs root; run the test as root");
    }
    if (process.arch !== "x64") ctx.skip("the amd64 .deb runs only on x86-64");
    await ensurePackages();
    makeBase();

    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const seen = boot(join(PACKAGES, BUILT.deb.amd64), [base, base + 1, base + 2]);

    expect(seen).toMatchObject({ install: "0", ready: "0", active: "active", metrics_imds_up: "1" });
    // DynamicUser=: a user of its own, from systemd's range 61184-65519; seccomp filter mode; no new privileges.
    expect(Number(seen.uid)).toBeGreaterThanOrEqual(61184);
    expect(seen).toMatchObject({ seccomp: "2", no_new_privs: "1" });
    expect(seen.status).toMatch(/^200 /);
    expect(JSON.parse(seen.status!.slice(4))).toMatchObject({ status: "ok", imds: { role: "RedRole" }, sts: { role: "RedRole" } });
    expect(Number(seen.exposure)).toBeLessThanOrEqual(1.5);
    expect(seen).toMatchObject({ upgrade: "0", restarted: "yes" });
    // The reason for NODE_OPTIONS=--jitless in the unit: without it, node dies at start.
    expect(seen.jit_result).toMatch(/^(core-dump|signal|exit-code)$/);
    expect(seen.jit_without_mdwe).toBe("0");
    expect(seen).toMatchObject({ jitless_again: "0", purge: "0", load_after_purge: "not-found", state_after_purge: "gone" });
  });
});
