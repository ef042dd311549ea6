import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Machine {
  /** Whether systemd runs (/run/systemd/system exists). */
  systemd: boolean;
  /**
   * The service-manager commands there are, and the exit status each gives:
   * in a container systemctl is often installed, and fails.
   */
  commands: Partial<Record<"systemctl" | "deb-systemd-helper" | "deb-systemd-invoke", number>>;
}

export interface Outcome {
  status: number | null;
  stderr: string;
  /** Each service-manager command run, with its arguments: "systemctl start rolewatch.service". */
  calls: string[];
  /** Whether the state directory rolewatch keeps was still there afterwards. */
  stateKept: boolean;
}

/**
 * Runs a maintainer script or scriptlet as dpkg or rpm would (`sh SCRIPT ARGS`),
 * on a stand-in machine: the paths it touches (/run/systemd/system, /var/lib,
 * /etc/rolewatch) moved into a temporary directory, and the service-manager
 * commands replaced by stubs that record their calls.
 */
export function runScript(script: string, args: string[], machine: Machine): Outcome {
  const root = mkdtempSync(join(tmpdir(), "rolewatch-scriptlet-"));
  try {
    const bin = join(root, "bin");
    const log = join(root, "calls");
    mkdirSync(bin);
    writeFileSync(log, "");
    // Only what the scripts may use besides the stubs: a script that needs more fails here.
    for (const tool of ["rm", "rmdir"]) symlinkSync(spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim(), join(bin, tool));
    for (const [name, status] of Object.entries(machine.commands)) {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\nexit ${status}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    if (machine.systemd) mkdirSync(join(root, "run/systemd/system"), { recursive: true });
    mkdirSync(join(root, "var/lib/private/rolewatch"), { recursive: true });
    const moved = script
      .replaceAll("/run/systemd/system", join(root, "run/systemd/system"))
      .replaceAll("/var/lib/", join(root, "var/lib/"))
      .replaceAll("/etc/rolewatch", join(root, "etc/rolewatch"));
    writeFileSync(join(root, "script"), moved);
    const result = spawnSync("/bin/sh", [join(root, "script"), ...args], { env: { PATH: bin }, encoding: "utf8" });
    return {
      status: result.status,
      stderr: result.stderr,
      calls: readFileSync(log, "utf8").split("\n").filter(Boolean),
      stateKept: existsSync(join(root, "var/lib/private/rolewatch")),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
