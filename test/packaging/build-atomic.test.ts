import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILT, REPO } from "./packages.js";

// Stand-ins for dpkg-deb and rpmbuild that write each package in two halves, 300 ms apart, so that a
// package being written is there to be seen for a while. Everything else is the real build script.
const SLOW_WRITE = `printf 'begin\\n' > "$out"; sleep 0.3; printf 'end\\n' >> "$out"\n`;
const SHIMS = {
  "dpkg-deb": `#!/usr/bin/env bash\nout=\${!#}\n${SLOW_WRITE}`,
  rpmbuild: `#!/usr/bin/env bash
while (($#)); do
  case $1 in
    --target) arch=\${2%-linux}; shift ;;
    --define) case $2 in "_rpmdir "*) dir=\${2#_rpmdir } ;; "pkg_version "*) version=\${2#pkg_version } ;; esac; shift ;;
  esac
  shift
done
out=$dir/rolewatch-$version-1.$arch.rpm
${SLOW_WRITE}`,
};
const COMPLETE = "begin\nend\n";
const NAMES = [...Object.values(BUILT.deb), ...Object.values(BUILT.rpm)].sort();

/** What a reader finds in a folder right now: each package file with its content. */
function look(dir: string): Record<string, string> | null {
  try {
    return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), "utf8")]));
  } catch {
    return null; // not there, or renamed away between the listing and the read
  }
}

describe("npm run package", () => {
  const work = mkdtempSync(join(tmpdir(), "rolewatch-build-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("puts packages in out/packages/ only when all four are complete, and keeps the previous ones whole until then", async () => {
    const bin = join(work, "bin");
    mkdirSync(bin);
    for (const [name, text] of Object.entries(SHIMS)) {
      writeFileSync(join(bin, name), text);
      chmodSync(join(bin, name), 0o755);
    }
    const out = join(work, "out");
    const packages = join(out, "packages");
    mkdirSync(packages, { recursive: true });
    for (const name of NAMES) writeFileSync(join(packages, name), "previous\n");

    const seen: Record<string, string>[] = [];
    let sawOneBeingWritten = false;
    const build = spawn("bash", [join(REPO, "packaging/build-packages.sh")], {
      cwd: REPO,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ROLEWATCH_OUT: out },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    build.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const watcher = setInterval(() => {
      const now = look(packages);
      if (now !== null) seen.push(now);
      for (const view of [now, look(join(out, "packages.partial"))]) {
        if (Object.values(view ?? {}).some((text) => text === "begin\n")) sawOneBeingWritten = true;
      }
    }, 5);
    const code = await new Promise<number | null>((resolve) => build.on("close", resolve));
    clearInterval(watcher);

    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    // The watcher did see packages half-written, wherever they were: it would have caught one in out/packages/.
    expect(sawOneBeingWritten).toBe(true);
    const whole = (texts: string[]) => texts.every((text) => text === texts[0]) && ["previous\n", COMPLETE].includes(texts[0] ?? "");
    for (const view of seen) {
      expect(Object.keys(view).sort()).toEqual(NAMES);
      expect(whole(Object.values(view))).toBe(true);
    }
    expect(look(packages)).toEqual(Object.fromEntries(NAMES.map((name) => [name, COMPLETE])));
    expect(existsSync(join(out, "packages.partial"))).toBe(false);
  }, 300_000);
});
