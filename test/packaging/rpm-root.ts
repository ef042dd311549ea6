import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** What rpm printed and how it ended. */
export interface RpmResult {
  status: number | null;
  stdout: string;
  /** Without the two lines Debian's rpm prints on every transaction ("use Alien instead"). */
  stderr: string;
}

/**
 * A root file system holding an empty rpm database and only what the
 * scriptlets need to run (/bin/sh and rm), with systemctl a stub that records
 * its calls: systemd does not run there, as in an image build.
 */
export interface RpmRoot {
  dir: string;
  /** rpm ARGS against this root's database; its scriptlets run chrooted into it. */
  rpm(...args: string[]): RpmResult;
  /** Each systemctl call the scriptlets made, with its arguments. */
  systemctlCalls(): string[];
  /** A path inside the root. */
  path(inside: string): string;
  remove(): void;
}

const CALLS = "/var/log/systemctl-calls";

/** The host's own binary and the shared libraries ldd says it loads, copied to the same paths under `root`. */
function copyProgram(root: string, name: string): void {
  const program = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  const libraries = [...spawnSync("ldd", [program], { encoding: "utf8" }).stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
  copyFileSync(program, join(root, "usr/bin", name));
  chmodSync(join(root, "usr/bin", name), 0o755);
  for (const library of libraries) {
    mkdirSync(join(root, dirname(library)), { recursive: true });
    copyFileSync(library, join(root, library));
  }
}

function clean(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !/^rpm: (RPM should not be used directly|However assuming you know what you are doing)/.test(line))
    .join("\n");
}

export function rpmRoot(): RpmRoot {
  const dir = mkdtempSync(join(tmpdir(), "rolewatch-rpm-root-"));
  // A merged /usr, as on RHEL 8 and later and Amazon Linux 2023: /bin is a link into /usr/bin.
  mkdirSync(join(dir, "usr/bin"), { recursive: true });
  symlinkSync("usr/bin", join(dir, "bin"));
  for (const name of ["sh", "rm"]) copyProgram(dir, name);
  mkdirSync(join(dir, "dev"));
  // Where the scriptlets send systemctl's output; without the device (a container that may not
  // make one) the redirection makes a plain file there instead, and the scriptlets run the same.
  spawnSync("mknod", ["-m", "0666", join(dir, "dev/null"), "c", "1", "3"], { stdio: "ignore" });
  mkdirSync(join(dir, "var/log"), { recursive: true });
  writeFileSync(join(dir, "usr/bin/systemctl"), `#!/bin/sh\necho "systemctl $*" >> ${CALLS}\n`, { mode: 0o755 });
  // The database where RHEL keeps it, whatever the host's rpm configuration says.
  const rpm = (...args: string[]): RpmResult => {
    const result = spawnSync("rpm", ["--root", dir, "--dbpath", "/var/lib/rpm", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status, stdout: result.stdout, stderr: clean(result.stderr) };
  };
  const init = rpm("--initdb");
  if (init.status !== 0) throw new Error(`rpm --initdb failed: ${init.stderr}`);
  return {
    dir,
    rpm,
    systemctlCalls: () => (existsSync(join(dir, CALLS)) ? readFileSync(join(dir, CALLS), "utf8").split("\n").filter(Boolean) : []),
    path: (inside) => join(dir, inside),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
