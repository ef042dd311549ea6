import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const PACKAGES = join(REPO, "out/packages");
export const VERSION = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;

/** The four packages `npm run package` makes, by architecture. */
export const BUILT = {
  deb: { amd64: `rolewatch_${VERSION}_amd64.deb`, arm64: `rolewatch_${VERSION}_arm64.deb` },
  rpm: { x86_64: `rolewatch-${VERSION}-1.x86_64.rpm`, aarch64: `rolewatch-${VERSION}-1.aarch64.rpm` },
} as const;

const ALL = [...Object.values(BUILT.deb), ...Object.values(BUILT.rpm)].map((name) => join(PACKAGES, name));

// What a package is made of: when any of it is newer than a package, the package is rebuilt.
const INPUTS = ["src", "packaging", "systemd", "package.json", "package-lock.json", "README.md"];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function upToDate(): boolean {
  if (!ALL.every(existsSync)) return false;
  const inputs = Math.max(...INPUTS.map((p) => join(REPO, p)).filter(existsSync).map(newest));
  return Math.min(...ALL.map((p) => statSync(p).mtimeMs)) > inputs;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The packages of the working tree: those `npm run package` already built when
 * they are newer than every input, else built now. Test files run in parallel
 * workers, so one builds while the others wait on its lock. Reading before the
 * lock is safe: the build renames its packages into out/packages/ only when all
 * four are complete (test/packaging/build-atomic.test.ts).
 */
export async function ensurePackages(): Promise<void> {
  const lock = join(REPO, "out/packages.lock");
  mkdirSync(join(REPO, "out"), { recursive: true });
  for (;;) {
    if (upToDate()) return;
    try {
      mkdirSync(lock);
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(join(lock, "pid"), "utf8"));
      } catch {
        // the lock is being taken or released
      }
      // A build that died leaves its lock behind.
      if (owner > 0 && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    try {
      writeFileSync(join(lock, "pid"), String(process.pid));
      if (upToDate()) return;
      const build = spawnSync("bash", [join(REPO, "packaging/build-packages.sh")], { cwd: REPO, encoding: "utf8" });
      if (build.status !== 0) throw new Error(`npm run package failed (${build.status}):\n${build.stderr}`);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Runs a command to its end; throws with its stderr when it fails. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  return execFileSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
}

/** The ELF machine of a binary's first bytes (e_machine, offset 18): what it runs on. */
export function elfMachine(head: Buffer): string {
  const machine = head.readUInt16LE(18);
  return ({ 0x3e: "x86-64", 0xb7: "aarch64" } as Record<number, string>)[machine] ?? `0x${machine.toString(16)}`;
}

/** Whether anything is at `path`, a dangling symbolic link included (existsSync follows links). */
export function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
