import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it, type TestContext } from "vitest";
import { findTool, requireTool } from "../support/require-tool.js";
import { BUILT, elfMachine, ensurePackages, PACKAGES, run, VERSION } from "./packages.js";
import { runScript, type Machine } from "./scriptlets.js";

const dpkgDeb = findTool("dpkg-deb", "apt-get install dpkg");
const rpmbuild = findTool("rpmbuild", "apt-get install rpm");

function requireBuild(ctx: TestContext): void {
  requireTool(ctx, dpkgDeb);
  requireTool(ctx, rpmbuild);
}

const rpm = (arch: keyof typeof BUILT.rpm) => join(PACKAGES, BUILT.rpm[arch]);
const query = (path: string, ...args: string[]) => run("rpm", ["-qp", ...args, path]);

beforeAll(async () => {
  if (dpkgDeb.available && rpmbuild.available) await ensurePackages();
}, 900_000);

describe.each([
  ["x86_64", "x86-64"],
  ["aarch64", "aarch64"],
] as const)("the %s .rpm", (arch, machine) => {
  it("brings its own Node.js runtime, the program, the unit and a kept configuration file", (ctx) => {
    requireBuild(ctx);
    expect(query(rpm(arch), "--qf", "%{NAME} %{VERSION} %{ARCH}")).toBe(`rolewatch ${VERSION} ${arch}`);
    expect(query(rpm(arch), "--list").trim().split("\n")).toEqual(
      expect.arrayContaining([
        "/usr/bin/rolewatch",
        "/usr/lib/rolewatch/node",
        "/usr/lib/rolewatch/package.json",
        "/usr/lib/rolewatch/dist/main.js",
        "/usr/lib/rolewatch/node_modules/yaml/package.json",
        "/usr/lib/systemd/system/rolewatch.service",
        "/usr/lib/systemd/system/rolewatch-account.service",
        "/usr/share/doc/rolewatch/iam-policy-account.json",
        "/etc/rolewatch/config.yaml",
        "/usr/share/licenses/rolewatch/copyright",
        "/usr/share/man/man1/rolewatch.1.gz",
        "/usr/share/bash-completion/completions/rolewatch",
        "/usr/share/zsh/site-functions/_rolewatch",
      ]),
    );
    // d: documentation, which an install with --excludedocs leaves out.
    expect(query(rpm(arch), "--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]")).toMatch(/^d \/usr\/share\/man\/man1\/rolewatch\.1\.gz$/m);
    // c: %config, n: noreplace (an edited file is kept on upgrade).
    expect(query(rpm(arch), "--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]")).toMatch(/^cn \/etc\/rolewatch\/config\.yaml$/m);
    const head = spawnSync("sh", ["-c", `rpm2archive - < "$1" | tar -xzO ./usr/lib/rolewatch/node | head -c 64`, "sh", rpm(arch)]);
    expect(elfMachine(head.stdout)).toBe(machine);
  });

  it("needs the C and C++ runtimes of the bundled node, and no system node", (ctx) => {
    requireBuild(ctx);
    const requires = query(rpm(arch), "--requires").trim().split("\n");
    expect(requires).toEqual(expect.arrayContaining(["libc.so.6(GLIBC_2.28)(64bit)", "libstdc++.so.6()(64bit)"]));
    expect(requires.filter((r) => /node/.test(r))).toEqual([]);
  });

  it("guards every scriptlet for a machine where systemd does not run", (ctx) => {
    requireBuild(ctx);
    const scripts = query(rpm(arch), "--scripts");
    for (const scriptlet of ["postinstall", "preuninstall", "postuninstall"]) {
      expect(scripts).toMatch(new RegExp(`^${scriptlet} scriptlet \\(using /bin/sh\\):$`, "m"));
    }
    // Each call that needs a running systemd is inside a test for it, and none can fail the transaction.
    expect(scripts.match(/\[ -d \/run\/systemd\/system \]/g)?.length).toBe(3);
    for (const line of scripts.split("\n").filter((l) => l.includes("systemctl"))) expect(line).toMatch(/\|\| :$/);
  });
});

const MACHINES: Record<string, Machine> = {
  booted: { systemd: true, commands: { systemctl: 0 } },
  // A container: systemctl is there, systemd does not run, and systemctl says so by failing.
  container: { systemd: false, commands: { systemctl: 1 } },
  bare: { systemd: false, commands: {} },
};

describe("the .rpm's scriptlets", () => {
  const scriptlet = (tag: string) => query(rpm("x86_64"), "--qf", `%{${tag}}`);

  it.for([
    // $1: how many rolewatch packages are installed after the transaction.
    { tag: "POSTIN", arg: "1", on: "booted", calls: ["systemctl --no-reload enable rolewatch.service", "systemctl daemon-reload", "systemctl start rolewatch.service"] },
    { tag: "POSTIN", arg: "2", on: "booted", calls: [] },
    { tag: "POSTIN", arg: "1", on: "container", calls: ["systemctl --no-reload enable rolewatch.service"] },
    { tag: "POSTIN", arg: "1", on: "bare", calls: [] },
    { tag: "PREUN", arg: "0", on: "booted", calls: ["systemctl --no-reload disable rolewatch.service", "systemctl stop rolewatch.service", "systemctl stop rolewatch-account.service"] },
    { tag: "PREUN", arg: "1", on: "booted", calls: [] },
    { tag: "PREUN", arg: "0", on: "container", calls: ["systemctl --no-reload disable rolewatch.service"] },
    { tag: "PREUN", arg: "0", on: "bare", calls: [] },
    { tag: "POSTUN", arg: "1", on: "booted", calls: ["systemctl daemon-reload", "systemctl try-restart rolewatch.service", "systemctl try-restart rolewatch-account.service"] },
    { tag: "POSTUN", arg: "0", on: "booted", calls: ["systemctl daemon-reload"] },
    { tag: "POSTUN", arg: "0", on: "container", calls: [] },
    { tag: "POSTUN", arg: "1", on: "bare", calls: [] },
  ])("%{$tag} $arg on a $on machine", ({ tag, arg, on, calls }, ctx) => {
    requireBuild(ctx);
    const outcome = runScript(scriptlet(tag), [arg], MACHINES[on]!);
    expect(outcome.status).toBe(0);
    expect(outcome.calls).toEqual(calls);
  });

  it("an erase deletes the state rolewatch kept; an upgrade keeps it", (ctx) => {
    requireBuild(ctx);
    expect(runScript(scriptlet("POSTUN"), ["0"], MACHINES.container!).stateKept).toBe(false);
    expect(runScript(scriptlet("POSTUN"), ["1"], MACHINES.container!).stateKept).toBe(true);
  });
});
