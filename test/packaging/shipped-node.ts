import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./packages.js";

/** The unit's node flags (systemd/rolewatch.service, Environment="NODE_OPTIONS=..."). */
export const UNIT_FLAGS = /^Environment="NODE_OPTIONS=([^"]*)"$/m.exec(readFileSync(join(REPO, "systemd/rolewatch.service"), "utf8"))?.[1] ?? "";

/** The packages' architecture name for this machine's; undefined where no Node.js package exists for it. */
export const ARCH = ({ x64: "x64", arm64: "arm64" } as Record<string, string>)[process.arch];

/** The Node.js the packages bring (packaging/node-runtime.sh), fetched into out/node/ on first use. */
export function shippedNode(arch: string): string {
  const fetched = spawnSync("bash", [join(REPO, "packaging/node-runtime.sh"), arch], { encoding: "utf8" });
  if (fetched.status !== 0) throw new Error(`packaging/node-runtime.sh ${arch} failed:\n${fetched.stderr}`);
  return fetched.stdout.trim();
}
