import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fault } from "../../src/sim/index.js";
import { cleanEnv, rolewatch } from "../support/cli.js";
import { sample, scrape, startWatched, until, type Watched } from "../support/daemon.js";

const IAM = "/latest/meta-data/iam/";
// Every answer but the delayed one within it on a loaded machine; the delayed one far past it.
const TIMEOUT = "1500ms";

/** Every way IMDS can misbehave, then every way what it serves can change. */
const SITUATIONS: { name: string; apply: (w: Watched) => void }[] = [
  ...([
    { kind: "status", status: 500, path: IAM },
    { kind: "status", status: 429, path: IAM },
    { kind: "delay", ms: 6_000, path: IAM },
    { kind: "malformed", path: IAM },
    { kind: "oversized", bytes: 100_000, path: IAM },
    { kind: "reset", path: IAM },
    { kind: "disabled" },
  ] satisfies Fault[]).map((fault) => ({ name: JSON.stringify(fault), apply: (w: Watched) => w.sim.setFault(fault) })),
  { name: "expired token", apply: (w) => w.sim.revokeTokens() },
  { name: "no role", apply: (w) => w.sim.deliver(null) },
  { name: "another role", apply: (w) => w.sim.deliver("BlueRole") },
  {
    name: "IAM throttled and EC2 denied while the role changes back",
    apply: (w) => {
      w.sim.setApiFault({ service: "iam", kind: "throttle" });
      w.sim.setApiFault({ service: "ec2", kind: "denied" });
      w.sim.deliver("RedRole");
    },
  },
  { name: "rotation", apply: (w) => w.sim.rotateNow() },
];

async function polls(w: Watched): Promise<number> {
  return sample((await scrape(w.url)).body, "rolewatch_observation_duration_seconds_count") ?? 0;
}

/** Two polls after a change: at least one began after it. */
async function twoPolls(w: Watched, during: string): Promise<void> {
  const seen = await polls(w);
  await until(async () => (await polls(w)) >= seen + 2, 10_000, `two polls during ${during}`);
}

describe("no secret leaves rolewatch", () => {
  let w: Watched;
  const outputs: string[] = [];

  beforeAll(async () => {
    w = await startWatched(["--imds-timeout", TIMEOUT]);
    for (const situation of SITUATIONS) {
      situation.apply(w);
      const checks = [["check", "--json"], ["check"]].map(async (args) => {
        const r = await rolewatch([...args, "--imds-endpoint", w.sim.imdsUrl, "--imds-timeout", TIMEOUT], cleanEnv({ AWS_ENDPOINT_URL: w.sim.awsUrl }));
        outputs.push(`${situation.name}: check exit ${r.code}\n${r.stdout}${r.stderr}`);
      });
      await Promise.all([twoPolls(w, situation.name), ...checks]);
      outputs.push((await scrape(w.url)).body, (await scrape(w.url, "/status")).body);
      w.sim.clearFaults();
      w.sim.clearApiFaults();
      await twoPolls(w, `recovery from ${situation.name}`);
    }
    await w.agent.stop();
    outputs.push(...w.agent.lines, w.agent.stderr(), readFileSync(join(w.stateDir, "state.json"), "utf8"));
  }, 120_000);
  afterAll(() => w.sim.close());

  it("went through every situation, reading real data (the scan is not of empty output)", () => {
    const text = outputs.join("\n");
    for (const failure of ["server-error", "throttled", "timeout", "bad-response", "unreachable", "disabled"]) {
      expect(text).toContain(`"failure":"${failure}"`); // a log event
      expect(text).toContain(`${failure} reading /latest/`); // check's error line
    }
    expect(text).toContain('"action":"credentials-rotated"');
    expect(text).toContain('"action":"role-changed"');
    expect(text).toContain('"action":"control-plane-unavailable"');
    expect(text).toMatch(/"sts": \{\s+"arn": "arn:aws:sts::111122223333:assumed-role\//);
    expect(text).toMatch(/"accessKeyId": "ASIA[A-Z0-9]{16}"/);
    expect(w.sim.issuedSecrets().length).toBeGreaterThan(10);
  });

  it("in any log line, metric, /status, check output, state file or error message", () => {
    const text = outputs.join("\n");
    const leaked = w.sim.issuedSecrets().filter((secret) => text.includes(secret));
    expect(leaked).toEqual([]);
  });
});
