import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { findTool, requireTool } from "../support/require-tool.js";
import { arm64Libraries, emulated, qemu } from "./emulation.js";
import { BUILT, ensurePackages, PACKAGES, present, REPO, VERSION } from "./packages.js";
import { rpmRoot, type RpmRoot } from "./rpm-root.js";

const rpmbuild = findTool("rpmbuild", "apt-get install rpm");
const dpkgDeb = findTool("dpkg-deb", "apt-get install dpkg");
const rpmlint = findTool("rpmlint", "apt-get install rpmlint");
const HOST = ({ x64: "x86_64", arm64: "aarch64" } as Record<string, string>)[process.arch];

function requireBuild(ctx: TestContext): void {
  requireTool(ctx, dpkgDeb);
  requireTool(ctx, rpmbuild);
}

/** rpm --root runs the scriptlets chrooted into the root: only root may chroot. */
function requireRoot(ctx: TestContext): void {
  if (process.getuid?.() === 0) return;
  const why = "rpm --root runs the scriptlets in a chroot; run the test as root";
  if (process.env.CI === "true") throw new Error(`${why} (required under CI=true)`);
  ctx.skip(why);
}

beforeAll(async () => {
  if (dpkgDeb.available && rpmbuild.available) await ensurePackages();
}, 900_000);

const CONFIG = "/etc/rolewatch/config.yaml";
const EDIT = "\nlog:\n  level: debug\n";

describe.each(Object.keys(BUILT.rpm) as (keyof typeof BUILT.rpm)[])("the %s .rpm in an empty root", (arch) => {
  const pkg = join(PACKAGES, BUILT.rpm[arch]);
  // The empty database has no package that provides libc; another architecture's package is only unpacked.
  const installFlags = ["--nodeps", ...(arch === HOST ? [] : ["--ignorearch"])];
  let root: RpmRoot | undefined;
  const at = () => {
    if (root === undefined) root = rpmRoot();
    return root;
  };
  const q = (...args: string[]) => at().rpm("-q", ...args, "rolewatch").stdout;
  afterAll(() => root?.remove());

  it("installs, and its scriptlet enables the unit for the next boot", { timeout: 120_000 }, (ctx) => {
    requireBuild(ctx);
    requireRoot(ctx);
    const install = at().rpm("-i", ...installFlags, pkg);
    expect(install.stderr).toBe(""); // no scriptlet failed
    expect(install.status).toBe(0);
    expect(q("--qf", "%{NAME} %{VERSION} %{ARCH}")).toBe(`rolewatch ${VERSION} ${arch}`);
    expect(at().systemctlCalls()).toEqual(["systemctl --no-reload enable rolewatch.service"]);
  });

  it("marks config.yaml as configuration kept on upgrade, the docs as docs and the license as license", (ctx) => {
    requireBuild(ctx);
    requireRoot(ctx);
    expect(q("-c")).toBe(`${CONFIG}\n`);
    expect(q("--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]")).toMatch(/^cn \/etc\/rolewatch\/config\.yaml$/m);
    // The man page is documentation too: rpm flags what is under %{_mandir} so.
    expect(q("-d").trim().split("\n").sort()).toEqual([
      ...["README.md", "iam-policy-account.json", "iam-policy.json"].map((f) => `/usr/share/doc/rolewatch/${f}`),
      "/usr/share/man/man1/rolewatch.1.gz",
    ]);
    expect(q("-L")).toBe("/usr/share/licenses/rolewatch/copyright\n");
  });

  it("installs its files owned by root, with only the command and node executable, and rpm -V finds them intact", (ctx) => {
    requireBuild(ctx);
    requireRoot(ctx);
    const modes = q("--qf", "[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\n]").trim().split("\n");
    expect(modes.filter((line) => !/ root:root /.test(line))).toEqual([]);
    expect(modes.filter((line) => /^-..x/.test(line)).map((line) => line.split(" ")[2])).toEqual(["/usr/bin/rolewatch", "/usr/lib/rolewatch/node"]);
    for (const [path, mode] of [
      ["/usr/bin/rolewatch", 0o755],
      ["/usr/lib/rolewatch/node", 0o755],
      ["/usr/lib/rolewatch/dist/main.js", 0o644],
      ["/usr/lib/systemd/system/rolewatch.service", 0o644],
      ["/usr/lib/systemd/system/rolewatch-account.service", 0o644],
      [CONFIG, 0o644],
      ["/etc/rolewatch", 0o755],
    ] as const) {
      const stat = statSync(at().path(path));
      expect({ path, mode: stat.mode & 0o7777, owner: `${stat.uid}:${stat.gid}` }).toEqual({ path, mode, owner: "0:0" });
    }
    const verify = at().rpm("-V", "--nodeps", "rolewatch");
    expect(verify.stdout).toBe("");
    expect(verify.status).toBe(0);
  });

  it("runs: its node, on its program, answers --version and accepts its own config.yaml", { timeout: 120_000 }, (ctx) => {
    requireBuild(ctx);
    requireRoot(ctx);
    const emulate = arch !== HOST;
    if (emulate) for (const tool of [qemu, arm64Libraries]) requireTool(ctx, tool);
    const node = at().path("/usr/lib/rolewatch/node");
    const main = at().path("/usr/lib/rolewatch/dist/main.js");
    const runInstalled = (...args: string[]) => {
      const [command, ...rest] = emulate ? emulated(node, [main, ...args]) : [node, main, ...args];
      return spawnSync(command, rest, { encoding: "utf8", timeout: 100_000 });
    };
    expect(runInstalled("--version").stdout).toBe(`rolewatch ${VERSION}\n`);
    const check = runInstalled("config", "check", at().path(CONFIG));
    expect(check.stderr).toBe("");
    expect(check.stdout).toContain("valid");
  });

  it("keeps an edited config.yaml when reinstalled, and rpm -V names it as changed configuration", { timeout: 120_000 }, (ctx) => {
    requireBuild(ctx);
    requireRoot(ctx);
    const edited = `${readFileSync(at().path(CONFIG), "utf8")}${EDIT}`;
    writeFileSync(at().path(CONFIG), edited);
    const reinstall = at().rpm("-U", "--replacepkgs", ...installFlags, pkg);
    expect(reinstall.stderr).toBe("");
    expect(reinstall.status).toBe(0);
    expect(readFileSync(at().path(CONFIG), "utf8")).toBe(edited);
    expect(existsSync(at().path(`${CONFIG}.rpmnew`))).toBe(false); // the packaged file did not change
    expect(at().rpm("-V", "--nodeps", "rolewatch").stdout).toMatch(/^S\.5\.\.\.\.T\.\s+c \/etc\/rolewatch\/config\.yaml\n$/);
    // An upgrade leaves the enablement as it is: no second enable, no disable.
    expect(at().systemctlCalls()).toEqual(["systemctl --no-reload enable rolewatch.service"]);
  });

  it("is erased: the unit disabled, program and state gone, the edited config.yaml kept as .rpmsave", { timeout: 120_000 }, (ctx) => {
    requireBuild(ctx);
    requireRoot(ctx);
    // The state as systemd's DynamicUser= leaves it: the folder under private/, and a link to it.
    mkdirSync(at().path("/var/lib/private/rolewatch"), { recursive: true });
    writeFileSync(at().path("/var/lib/private/rolewatch/state.json"), "{}\n");
    symlinkSync("private/rolewatch", at().path("/var/lib/rolewatch"));
    const edited = readFileSync(at().path(CONFIG), "utf8");
    const erase = at().rpm("-e", "rolewatch");
    expect(erase.stderr).toBe(`warning: ${CONFIG} saved as ${CONFIG}.rpmsave\n`);
    expect(erase.status).toBe(0);
    expect(at().rpm("-q", "rolewatch").status).not.toBe(0);
    expect(at().systemctlCalls()).toEqual(["systemctl --no-reload enable rolewatch.service", "systemctl --no-reload disable rolewatch.service"]);
    expect(readFileSync(at().path(`${CONFIG}.rpmsave`), "utf8")).toBe(edited);
    const gone = ["/usr/bin/rolewatch", "/usr/lib/rolewatch", "/usr/lib/systemd/system/rolewatch.service", "/usr/share/doc/rolewatch", "/usr/share/licenses/rolewatch", "/var/lib/rolewatch", "/var/lib/private/rolewatch", CONFIG];
    expect(gone.filter((path) => present(at().path(path)))).toEqual([]);
  });

  it("rpmlint finds no error", { timeout: 300_000 }, (ctx) => {
    requireBuild(ctx);
    requireTool(ctx, rpmlint);
    const lint = spawnSync("rpmlint", ["-r", join(REPO, "packaging/rpm/rolewatch.rpmlintrc"), pkg], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const lines = lint.stdout.split("\n");
    const warnings = lines.filter((line) => line.includes(": W: "));
    // Reported, not failed on; one line each, cut short (files-duplicate lists every copy).
    const shown = warnings.map((line) => (line.length > 200 ? `${line.slice(0, 200)}…` : line));
    if (warnings.length > 0) console.info(`rpmlint ${BUILT.rpm[arch]}: ${warnings.length} warnings\n${shown.join("\n")}`);
    expect(lines.filter((line) => line.includes(": E: "))).toEqual([]);
    expect(lint.stdout).toMatch(/ 0 errors, /);
  });
});

