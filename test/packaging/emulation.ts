import { existsSync } from "node:fs";
import { join } from "node:path";
import { findTool, type Tool } from "../support/require-tool.js";

// arm64 programs on this machine through qemu's user emulation: the binary is emulated, the
// system calls are the host's. The C and C++ runtimes the bundled node links against come
// from Debian's cross packages, which install them under SYSROOT.
export const SYSROOT = "/usr/aarch64-linux-gnu";

export const qemu = findTool("qemu-aarch64-static", "apt-get install qemu-user-static");

export const arm64Libraries: Tool = {
  name: `the arm64 C and C++ runtimes (${SYSROOT}/lib/libstdc++.so.6)`,
  install: "apt-get install libstdc++6-arm64-cross",
  available: existsSync(join(SYSROOT, "lib/libstdc++.so.6")) && existsSync(join(SYSROOT, "lib/ld-linux-aarch64.so.1")),
};

/** The command line that runs an arm64 `node` with `args` under emulation. */
export function emulated(node: string, args: string[]): [string, ...string[]] {
  return [qemu.name, "-L", SYSROOT, node, ...args];
}
