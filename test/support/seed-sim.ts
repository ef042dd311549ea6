/**
 * A standalone `rolewatch sim --time-scale K` process, driven as the field
 * report drove EC2: with the aws CLI (the export lines the simulator prints,
 * nothing else) and with the report's own IMDS read.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { cleanEnv, startRolewatch, type Daemon } from "./cli.js";

const execFileAsync = promisify(execFile);

export interface SimProcess {
  daemon: Daemon;
  /** The `--time-scale`: every modelled duration runs this many times faster. */
  scale: number;
  imds: string;
  aws: string;
  instanceId: string;
  /** The `export NAME=value` lines it printed, as a shell that sources them would have them. */
  exports: Record<string, string>;
  clock: SimClock;
}

export async function startSim(scale: number): Promise<SimProcess> {
  const daemon = startRolewatch(["sim", "--imds-port", "0", "--aws-port", "0", "--time-scale", String(scale)], cleanEnv());
  const { imds, aws } = JSON.parse(await daemon.waitForLine(() => true, 20_000)) as { imds: string; aws: string };
  const instanceLine = await daemon.waitForLine((l) => l.startsWith("# instance "), 20_000);
  const exports: Record<string, string> = {};
  for (const line of daemon.lines) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) exports[m[1]] = m[2];
  }
  const instanceId = /^# instance (\S+);/.exec(instanceLine)?.[1] ?? "";
  return { daemon, scale, imds, aws, instanceId, exports, clock: await SimClock.calibrate(imds, scale) };
}

/**
 * The simulator's time against real time. Its clock is real time run K times
 * faster from its start; IMDS stamps every answer with a Date on that clock
 * (to the second), which fixes the offset to within half a simulated second
 * and half the round trip of the answer it was read from: `uncertaintyMs`, in
 * real time, with 50 ms for rounding. A busy machine has slower round trips
 * and so a wider bound, instead of a failure.
 */
export class SimClock {
  constructor(
    readonly scale: number,
    private readonly realRef: number,
    private readonly simRef: number,
    readonly uncertaintyMs: number,
  ) {}

  static async calibrate(imds: string, scale: number): Promise<SimClock> {
    let best: { rtt: number; real: number; sim: number } | null = null;
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      const res = await fetch(`${imds}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } });
      await res.text();
      const t1 = Date.now();
      const sim = Date.parse(res.headers.get("date") ?? "") + 500; // Date is truncated to the second
      if (Number.isNaN(sim)) throw new Error("the simulator's IMDS sent no Date header");
      if (!best || t1 - t0 < best.rtt) best = { rtt: t1 - t0, real: (t0 + t1) / 2, sim };
    }
    return new SimClock(scale, best?.real ?? 0, best?.sim ?? 0, (best?.rtt ?? 0) / 2 + 500 / scale + 50);
  }

  /** Simulated time (ms) at a real instant. */
  simAt(real: number): number {
    return this.simRef + (real - this.realRef) * this.scale;
  }

  /** The real instant at which the simulator's clock shows `sim`. */
  realAt(sim: number): number {
    return this.realRef + (sim - this.simRef) / this.scale;
  }

  /** Real instants of the credentials' hourly rotation points after `fromReal`, from their LastUpdated (docs/wire.md, Credential delivery). */
  hourlyPoints(lastUpdated: string, fromReal: number, count = 3): number[] {
    const hour = 3_600_000;
    const issued = Date.parse(lastUpdated);
    const next = issued + (Math.floor(Math.max(0, this.simAt(fromReal) - issued) / hour) + 1) * hour;
    return Array.from({ length: count }, (_, i) => this.realAt(next + i * hour));
  }
}

export interface CliRun {
  out: Record<string, unknown>;
  /** Real time just before the command started and just after it ended: the change it made happened in between. */
  startedAt: number;
  endedAt: number;
}

/** The aws CLI with only what `rolewatch sim` exported: an empty config, no other profile or key. */
export class AwsCli {
  readonly #home = mkdtempSync(join(tmpdir(), "rolewatch-seed-aws-"));
  readonly #env: NodeJS.ProcessEnv;

  constructor(exports: Record<string, string>) {
    for (const file of ["config", "credentials"]) writeFileSync(join(this.#home, file), "");
    const keep = ["PATH", "LANG", "PYENV_ROOT", "PYENV_VERSION"];
    this.#env = {
      ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
      HOME: this.#home,
      AWS_CONFIG_FILE: join(this.#home, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(this.#home, "credentials"),
      AWS_PAGER: "",
      ...exports,
    };
  }

  /** `aws ARGS --output json`; its JSON output, or {} when it prints none. */
  async run(...args: string[]): Promise<CliRun> {
    const startedAt = Date.now();
    const { stdout } = await execFileAsync("aws", [...args, "--output", "json"], { env: this.#env, timeout: 60_000 }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`aws ${args.join(" ")} failed: ${error.stderr ?? error.message}`);
    });
    return { out: stdout.trim() === "" ? {} : (JSON.parse(stdout) as Record<string, unknown>), startedAt, endedAt: Date.now() };
  }

  close(): void {
    rmSync(this.#home, { recursive: true, force: true });
  }
}

export interface ServedCredentials {
  Code: string;
  AccessKeyId: string;
  Expiration: string;
  LastUpdated: string;
}

/** The field report's own check of what IMDS serves: a token, then iam/security-credentials/ROLE; null on 404. */
export async function imdsCredentials(imds: string, role: string): Promise<ServedCredentials | null> {
  const token = await (await fetch(`${imds}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21600" } })).text();
  const res = await fetch(`${imds}/latest/meta-data/iam/security-credentials/${role}`, { headers: { "x-aws-ec2-metadata-token": token } });
  const body = await res.text();
  if (res.status === 404) return null;
  const { Code, AccessKeyId, Expiration, LastUpdated } = JSON.parse(body) as ServedCredentials;
  return { Code, AccessKeyId, Expiration, LastUpdated };
}
