import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { gunzipSync } from "node:zlib";
import { BASH, MAN, ZSH } from "../docs/reference/commands.js";
import { cleanEnv, MAIN } from "../support/cli.js";
import { findTool, requireTool } from "../support/require-tool.js";
import { BUILT, elfMachine, ensurePackages, PACKAGES, present, run, VERSION } from "./packages.js";

const dpkgDeb = findTool("dpkg-deb", "apt-get install dpkg");
const rpmbuild = findTool("rpmbuild", "apt-get install rpm");
const lintian = findTool("lintian", "apt-get install lintian");
const systemdAnalyze = findTool("systemd-analyze", "apt-get install systemd");
const groff = findTool("groff", "apt-get install groff-base");

const canBuild = dpkgDeb.available && rpmbuild.available;

function requireBuild(ctx: TestContext): void {
  requireTool(ctx, dpkgDeb);
  requireTool(ctx, rpmbuild);
}

/** dpkg -i changes the machine it runs on: only as root, and never over a rolewatch someone installed. */
function requireRootWithoutRolewatch(ctx: TestContext): void {
  const why =
    process.getuid?.() !== 0
      ? "installing the .deb needs root; run the test as root"
      : spawnSync("dpkg-query", ["-W", "rolewatch"], { stdio: "ignore" }).status === 0
        ? "rolewatch is already installed here; the test would replace it (dpkg -P rolewatch first)"
        : null;
  if (why === null) return;
  if (process.env.CI === "true") throw new Error(`${why} (required under CI=true)`);
  ctx.skip(why);
}


const deb = (arch: keyof typeof BUILT.deb) => join(PACKAGES, BUILT.deb[arch]);

function contents(path: string): string[] {
  return run("dpkg-deb", ["--contents", path])
    .trim()
    .split("\n")
    .map((line) => line.split(/\s+/).slice(5).join(" ").replace(/^\./, "").replace(/ -> .*$/, ""));
}

beforeAll(async () => {
  if (canBuild) await ensurePackages();
}, 900_000);

describe("the .deb packages", () => {
  it.for([
    ["amd64", "x86-64"],
    ["arm64", "aarch64"],
  ] as const)("%s: its own Node.js runtime for %s, the program, the unit and a kept configuration file", ([arch, machine], ctx) => {
    requireBuild(ctx);
    const path = deb(arch);
    expect(run("dpkg-deb", ["--field", path, "Package", "Version", "Architecture"])).toBe(
      `Package: rolewatch\nVersion: ${VERSION}\nArchitecture: ${arch}\n`,
    );
    expect(contents(path)).toEqual(
      expect.arrayContaining([
        "/usr/bin/rolewatch",
        "/usr/lib/rolewatch/node",
        "/usr/lib/rolewatch/package.json",
        "/usr/lib/rolewatch/dist/main.js",
        "/usr/lib/rolewatch/node_modules/yaml/package.json",
        "/lib/systemd/system/rolewatch.service",
        "/lib/systemd/system/rolewatch-account.service",
        "/etc/rolewatch/config.yaml",
        "/usr/share/doc/rolewatch/copyright",
        "/usr/share/doc/rolewatch/changelog.gz",
        "/usr/share/doc/rolewatch/iam-policy.json",
        "/usr/share/doc/rolewatch/iam-policy-account.json",
        "/usr/share/man/man1/rolewatch.1.gz",
        "/usr/share/bash-completion/completions/rolewatch",
        "/usr/share/zsh/vendor-completions/_rolewatch",
      ]),
    );
    // One application for every architecture: no native module; and no development module or source map.
    const unwanted = /\.node$|^\/usr\/lib\/rolewatch\/dist\/.*\.map$|\/node_modules\/(typescript|vitest|eslint)\//;
    expect(contents(path).filter((f) => unwanted.test(f))).toEqual([]);
    expect(run("sh", ["-c", `dpkg-deb --info "$1" conffiles`, "sh", path])).toBe("/etc/rolewatch/config.yaml\n");
    const head = spawnSync("sh", ["-c", `dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/lib/rolewatch/node | head -c 64`, "sh", path]);
    expect(elfMachine(head.stdout)).toBe(machine);
  });

  it("carries the man page gzipped and dated by the build, and the completions as npm run docs wrote them", (ctx) => {
    requireBuild(ctx);
    requireTool(ctx, groff);
    const extract = (member: string) => spawnSync("sh", ["-c", `dpkg-deb --fsys-tarfile "$1" | tar -xO "$2"`, "sh", deb("amd64"), member]).stdout;
    const page = gunzipSync(extract("./usr/share/man/man1/rolewatch.1.gz")).toString("utf8");
    // The page as written, but for the date the build gives it.
    expect(page).toMatch(/^\.TH ROLEWATCH 1 "\d{4}-\d{2}-\d{2}" /m);
    expect(page.replace(/^(\.TH ROLEWATCH 1 )"[\d-]+"/m, '$1""')).toBe(readFileSync(MAN, "utf8"));
    const rendered = spawnSync("groff", ["-man", "-Tutf8", "-ww"], { input: page, encoding: "utf8" });
    expect(rendered.stderr).toBe("");
    expect(extract("./usr/share/bash-completion/completions/rolewatch").toString("utf8")).toBe(readFileSync(BASH, "utf8"));
    expect(extract("./usr/share/zsh/vendor-completions/_rolewatch").toString("utf8")).toBe(readFileSync(ZSH, "utf8"));
  });

  it.for(["amd64", "arm64"] as const)("%s: lintian finds no error", { timeout: 300_000 }, (arch, ctx) => {
    requireBuild(ctx);
    requireTool(ctx, lintian);
    const result = spawnSync("lintian", ["--fail-on", "none", deb(arch)], { encoding: "utf8" });
    const errors = result.stdout.split("\n").filter((line) => line.startsWith("E:"));
    expect(errors).toEqual([]);
    expect(result.status).toBe(0);
  });
});

describe("the amd64 .deb installed on this machine (no systemd running)", () => {
  let installed = false;
  const dpkg = (...args: string[]) => run("dpkg", args, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });

  afterAll(() => {
    if (installed) dpkg("--purge", "rolewatch");
  });

  it("installs, checks the simulator with the runtime it brings, and is removed and purged cleanly", async (ctx) => {
    requireBuild(ctx);
    requireRootWithoutRolewatch(ctx);
    if (process.arch !== "x64") ctx.skip("the amd64 .deb runs only on x86-64");

    installed = true;
    dpkg("--install", deb("amd64"));
    expect(run("dpkg-query", ["-W", "-f", "${Status} ${Version}", "rolewatch"])).toBe(`install ok installed ${VERSION}`);
    // Enabled for the next boot, though systemd does not run here to start it.
    expect(lstatSync("/etc/systemd/system/multi-user.target.wants/rolewatch.service").isSymbolicLink()).toBe(true);
    expect(run("/usr/bin/rolewatch", ["--version"])).toBe(`rolewatch ${VERSION}\n`);
    expect(run("/usr/bin/rolewatch", ["config", "check", "/etc/rolewatch/config.yaml"])).toContain("valid");
    if (systemdAnalyze.available) run("systemd-analyze", ["verify", "/lib/systemd/system/rolewatch.service"]);

    const sim = spawn(process.execPath, [MAIN, "sim", "--imds-port", "0", "--aws-port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const first = await new Promise<string>((resolve) => createInterface({ input: sim.stdout }).once("line", resolve));
      const { imds, aws } = JSON.parse(first) as { imds: string; aws: string };
      const check = spawnSync("/usr/bin/rolewatch", ["check", "--json"], {
        env: cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds, AWS_ENDPOINT_URL: aws }),
        encoding: "utf8",
      });
      expect(check.stderr).toBe("");
      expect(check.status).toBe(0);
      const report = JSON.parse(check.stdout) as { status: string; imds: { role: string }; sts: { role: string } };
      expect(report).toMatchObject({ status: "ok", imds: { role: "RedRole" }, sts: { role: "RedRole" } });
    } finally {
      sim.kill("SIGTERM");
    }

    // An administrator's edit survives a reinstallation (an upgrade to the same conffile).
    const edited = `${readFileSync("/etc/rolewatch/config.yaml", "utf8")}\nlog:\n  level: debug\n`;
    writeFileSync("/etc/rolewatch/config.yaml", edited);
    dpkg("--install", deb("amd64"));
    expect(readFileSync("/etc/rolewatch/config.yaml", "utf8")).toBe(edited);

    dpkg("--remove", "rolewatch");
    expect(existsSync("/usr/bin/rolewatch")).toBe(false);
    expect(existsSync("/usr/lib/rolewatch")).toBe(false);
    expect(readFileSync("/etc/rolewatch/config.yaml", "utf8")).toBe(edited);

    dpkg("--purge", "rolewatch");
    installed = false;
    expect(spawnSync("dpkg-query", ["-W", "rolewatch"], { stdio: "ignore" }).status).not.toBe(0);
    const gone = [
      "/etc/rolewatch",
      "/var/lib/rolewatch",
      "/etc/systemd/system/multi-user.target.wants/rolewatch.service",
      "/var/lib/systemd/deb-systemd-helper-enabled/rolewatch.service.dsh-also",
      "/var/lib/systemd/deb-systemd-helper-masked/rolewatch.service",
    ];
    for (const path of gone) {
      expect(present(path), path).toBe(false);
    }
  }, 120_000);
});
