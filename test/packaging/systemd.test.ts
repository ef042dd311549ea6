import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STOP_DEADLINE_MS } from "../../src/cli/run.js";
import { MAN } from "../docs/reference/commands.js";
import { findTool, requireTool } from "../support/require-tool.js";
import { REPO } from "./packages.js";

const systemdAnalyze = findTool("systemd-analyze", "apt-get install systemd");
/** The values of one setting of the unit, in order: setting(unit, "ExecStart"). */
function setting(text: string, key: string): string[] {
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]!);
}

// The agent's unit, and the account exporter's, hardened alike. Only the agent's heap is sized:
// it holds one instance's answers, while the exporter holds a whole account's listing.
describe.each([
  { name: "rolewatch.service", command: "run", nodeOptions: "--jitless --disable-sigusr1 --max-semi-space-size=1 --max-old-space-size=16" },
  { name: "rolewatch-account.service", command: "account", nodeOptions: "--jitless --disable-sigusr1" },
])("systemd/$name", ({ name, command, nodeOptions }) => {
  const UNIT = join(REPO, "systemd", name);
  const unit = readFileSync(UNIT, "utf8");

  it("passes systemd-analyze verify", (ctx) => {
    requireTool(ctx, systemdAnalyze);
    // /usr/bin/rolewatch exists only where the package is installed (test/packaging/deb.test.ts
    // verifies the installed unit): here a stand-in executable takes its place.
    const dir = mkdtempSync(join(tmpdir(), "rolewatch-unit-"));
    const stand = join(dir, "rolewatch");
    writeFileSync(stand, "#!/bin/sh\n");
    chmodSync(stand, 0o755);
    expect(setting(unit, "ExecStart")).toEqual([`/usr/bin/rolewatch ${command}`]);
    writeFileSync(join(dir, name), unit.replace("ExecStart=/usr/bin/rolewatch", `ExecStart=${stand}`));
    // verify runs `man` on each man: page of Documentation=; the packages install rolewatch(1), here MANPATH finds it.
    mkdirSync(join(dir, "man", "man1"), { recursive: true });
    copyFileSync(MAN, join(dir, "man", "man1", "rolewatch.1"));
    const verify = spawnSync("systemd-analyze", ["verify", join(dir, name)], { encoding: "utf8", env: { ...process.env, MANPATH: join(dir, "man") } });
    expect(verify.stderr).toBe("");
    expect(verify.status).toBe(0);
  });

  it("has an exposure of at most 1.5 in systemd-analyze security", (ctx) => {
    requireTool(ctx, systemdAnalyze);
    const security = spawnSync("systemd-analyze", ["security", "--offline=yes", "--no-pager", UNIT], { encoding: "utf8" });
    const level = new RegExp(`Overall exposure level for ${name.replace(".", "\\.")}: (\\d+\\.\\d+)`).exec(security.stdout);
    expect(level, security.stdout + security.stderr).not.toBeNull();
    expect(Number(level![1])).toBeLessThanOrEqual(1.5);
  });

  it("runs V8 without its JIT, which MemoryDenyWriteExecute= would kill, and with the heap the command needs", () => {
    expect(setting(unit, "MemoryDenyWriteExecute")).toEqual(["yes"]);
    expect(setting(unit, "Environment")).toEqual([`"NODE_OPTIONS=${nodeOptions}"`]);
  });

  it("names its documentation as installed on the host: the man page and the README the packages carry", () => {
    expect(setting(unit, "Documentation")).toEqual(["man:rolewatch(1) file:///usr/share/doc/rolewatch/README.md"]);
  });

  it("dumps no core, which would hold the credentials", () => {
    expect(setting(unit, "LimitCORE")).toEqual(["0"]);
  });

  it("restarts unless systemctl stops it, gives a stop more time than rolewatch takes, and writes its JSON lines to the journal", () => {
    expect(setting(unit, "Restart")).toEqual(["always"]);
    expect(setting(unit, "TimeoutStopSec")).toEqual([`${(2 * STOP_DEADLINE_MS) / 1000}s`]);
    expect(setting(unit, "StandardOutput")).toEqual(["journal"]);
  });
});

describe("the two units", () => {
  it("share every hardening directive", () => {
    // The agent's heap sizes are not hardening: every other node flag, --jitless and --disable-sigusr1, is shared.
    const sandbox = (name: string) => readFileSync(join(REPO, "systemd", name), "utf8").split("[Service]")[1]!.split("\n")
      .filter((l) => /^(No|Capability|Ambient|Protect|Private|Restrict|Lock|Remove|Keyring|Device|SystemCall|MemoryDeny|LimitCORE|Environment|DynamicUser|UMask)/.test(l))
      .map((l) => l.replace(/ --max-(?:semi|old)-space-size=\d+/g, ""));
    expect(sandbox("rolewatch-account.service")).toEqual(sandbox("rolewatch.service"));
  });
});
