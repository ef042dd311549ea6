import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractProblems } from "../support/contract.js";
import { sample, scrape, startWatched, until, type Watched } from "../support/daemon.js";

interface Status {
  status: string;
  observedAt: string;
  imds: { reachable: boolean; role: string | null; accessKeyId: string | null; profileArn: string | null; error?: string };
  sts: { role: string } | null;
  sources: Record<string, { state: string; since?: string; reason?: string }>;
}

async function status(w: Watched): Promise<Status> {
  return JSON.parse((await scrape(w.url, "/status")).body) as Status;
}

/** docs/contract.md, Source states: an outage keeps the last known view of each source, marked stale with its time. */
describe("/status during an IMDS outage", () => {
  let w: Watched;
  beforeAll(async () => {
    w = await startWatched();
    await until(async () => (await scrape(w.url, "/readyz")).status === 200, 10_000, "ready");
  });
  afterAll(async () => {
    await w.agent.stop();
    await w.sim.close();
  });

  it("keeps IMDS's last role and AccessKeyId, stale since its last read, and the other sources' answers", async () => {
    const before = await status(w);
    expect(before).toMatchObject({ status: "ok", sources: { imds: { state: "fresh" }, sts: { state: "fresh" }, profile: { state: "fresh" }, association: { state: "fresh" } } });
    const { body: up } = await scrape(w.url);
    expect(sample(up, 'rolewatch_source_up{source="imds"}')).toBe(1);
    expect(sample(up, 'rolewatch_source_last_fresh_timestamp_seconds{source="sts"}')).toBeGreaterThan(0);

    w.sim.setFault({ kind: "status", status: 500 });
    await until(async () => !(await status(w)).imds.reachable, 10_000, "the outage to show");
    const during = await status(w);
    expect(contractProblems(during)).toEqual([]);
    expect(during).toMatchObject({
      status: "unknown",
      imds: { reachable: false, role: "RedRole", accessKeyId: before.imds.accessKeyId, profileArn: before.imds.profileArn },
      sts: { role: "RedRole" },
      sources: { imds: { state: "stale", reason: expect.stringContaining("server-error") as unknown } },
    });
    expect(Date.parse(during.sources.imds?.since ?? "")).toBeGreaterThanOrEqual(Date.parse(before.observedAt));
    expect(Date.parse(during.sources.imds?.since ?? "")).toBeLessThanOrEqual(Date.parse(during.observedAt));
    const { body } = await scrape(w.url);
    expect(sample(body, 'rolewatch_source_up{source="imds"}')).toBe(0);

    w.sim.clearFaults();
    await until(async () => (await status(w)).sources.imds?.state === "fresh", 10_000, "IMDS to be fresh again");
    expect(await status(w)).toMatchObject({ status: "ok", imds: { reachable: true, role: "RedRole" } });
  }, 40_000);
});
