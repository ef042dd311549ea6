import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsOf } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";
import { sample, scrape, startWatched, until, type Watched } from "../support/daemon.js";
import { findTool, requireTool } from "../support/require-tool.js";

const promtool = findTool("promtool", "apt-get install prometheus");

describe("rolewatch run against the simulator", () => {
  let w: Watched;
  beforeAll(async () => {
    w = await startWatched();
    await until(async () => (await scrape(w.url, "/readyz")).status === 200, 10_000, "ready");
  });
  afterAll(async () => {
    await w.sim.close();
  });

  it("serves /healthz, /readyz and a contract-valid /status", async () => {
    expect(await scrape(w.url, "/healthz")).toEqual({ status: 200, body: "ok\n" });
    const status = await scrape(w.url, "/status");
    expect(status.status).toBe(200);
    const report = JSON.parse(status.body) as unknown;
    expect(contractProblems(report)).toEqual([]);
    expect(report).toMatchObject({ status: "ok", imds: { role: "RedRole", accessKeyId: w.sim.served()?.issue.v2.accessKeyId } });
  });

  it("exports the IMDS and credential metrics", async () => {
    const { body } = await scrape(w.url);
    const served = w.sim.served();
    expect(sample(body, "rolewatch_imds_up")).toBe(1);
    expect(sample(body, "rolewatch_imds_token_fetches_total")).toBe(1);
    expect(sample(body, 'rolewatch_role_info{source="imds",role="RedRole"}')).toBe(1);
    expect(sample(body, "rolewatch_credentials_expiration_timestamp_seconds")).toBe((served?.issue.expiresAt ?? 0) / 1000);
    expect(sample(body, 'rolewatch_imds_requests_total{endpoint="credentials",code="200"}')).toBeGreaterThan(0);
  });

  it("gives a live scrape that promtool check metrics finds nothing to complain about", async (ctx) => {
    requireTool(ctx, promtool);
    const result = spawnSync("promtool", ["check", "metrics"], { input: (await scrape(w.url)).body, encoding: "utf8" });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  // Exactly once, by the first poll after it: test/e2e/field-drifts.test.ts, on a fake clock. Here, the
  // real process on real time: it is reported, once, within a bound a busy machine meets.
  it("reports a rotation once, as one event and one increment", async () => {
    const polls = async () => sample((await scrape(w.url)).body, "rolewatch_observation_duration_seconds_count") ?? 0;
    const before = sample((await scrape(w.url)).body, "rolewatch_credentials_rotations_total");
    const old = w.sim.served()?.issue.v2.accessKeyId;
    w.sim.rotateNow();
    const fresh = w.sim.served()?.issue.v2.accessKeyId;
    await w.agent.waitForLine((l) => l.includes('"credentials-rotated"'), 15_000);
    const seen = await polls();
    await until(async () => (await polls()) >= seen + 2, 15_000, "two more polls"); // nothing more to report
    const rotations = eventsOf(w.agent, "credentials-rotated");
    expect(rotations).toHaveLength(1);
    expect(rotations[0]).toMatchObject({ rolewatch: { credentials: { access_key_id: fresh, previous_access_key_id: old } } });
    expect(sample((await scrape(w.url)).body, "rolewatch_credentials_rotations_total")).toBe((before ?? 0) + 1);
  });

  it("on SIGTERM logs agent-stopping and exits 0", async () => {
    expect(await w.agent.stop()).toBe(0);
    expect(eventsOf(w.agent, "agent-stopping")).toHaveLength(1);
  });

  // The unit sends both streams to the journal: a SIEM reading it must get one JSON object per line, and nothing else.
  it("wrote one JSON object per line on stdout, and nothing on stderr, for the whole run", () => {
    expect(w.agent.lines.length).toBeGreaterThan(3);
    for (const line of w.agent.lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(w.agent.stderr()).toBe("");
  });
});
