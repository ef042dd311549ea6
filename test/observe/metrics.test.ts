import { spawnSync } from "node:child_process";
import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { DRIFT_KINDS } from "../../src/drift/kinds.js";
import { createMetrics, type Metrics } from "../../src/observe/metrics.js";
import { findTool, requireTool } from "../support/require-tool.js";

const promtool = findTool("promtool", "apt-get install prometheus (Debian's package ships promtool)");
const T0 = Date.parse("2026-11-29T08:00:00Z");

async function series(metrics: Metrics, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

/** One call of every recorder, with fixed values, so the exposition is deterministic. */
function recordSample(metrics: Metrics): void {
  metrics.tokenFetched();
  metrics.imdsRequest("token", "200", 0.0012);
  metrics.imdsRequest("credentials", "200", 0.003);
  metrics.imdsRequest("iam-info", "404", 0.002);
  metrics.imdsRequest("credentials-list", "timeout", 5);
  metrics.imdsUp(true);
  metrics.credentials({ expiration: T0 + 6 * 3_600_000, lastUpdated: T0 });
  metrics.rotated();
  metrics.role("imds", "RedRole");
  metrics.role("sts", "RedRole");
  metrics.role("profile", "BlueRole");
  metrics.instanceProfile("arn:aws:iam::123456789012:instance-profile/MyInPr");
  metrics.stsRequest("ok");
  metrics.stsRequest("rejected");
  metrics.controlPlane("iam", true);
  metrics.controlPlane("ec2", false);
  metrics.controlPlaneRequest("iam", "ok");
  metrics.controlPlaneRequest("ec2", "denied");
  metrics.driftDetected("profile_role_mismatch", T0);
  metrics.driftDetected("profile_empty", T0 - 600_000);
  metrics.driftResolved("profile_empty", 600);
  metrics.observed(T0 + 1000, 0.042);
  metrics.clockSkew(-3);
}

describe("metrics", () => {
  it("exports every drift kind from the start: closed, no start time, both transitions at zero", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    expect(await series(metrics, "rolewatch_drift")).toEqual(DRIFT_KINDS.map((kind) => ({ labels: { kind }, value: 0 })));
    expect(await series(metrics, "rolewatch_drift_since_timestamp_seconds")).toEqual([]);
    const transitions = await series(metrics, "rolewatch_drift_transitions_total");
    expect(transitions).toHaveLength(DRIFT_KINDS.length * 2);
    expect(transitions.every((s) => s.value === 0)).toBe(true);
  });

  it("says per source whether it is up (fresh or none) and when it last answered; a source not read has no series", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    expect((await series(metrics, "rolewatch_source_up")).map((s) => s.value)).toEqual([0, 0, 0, 0]);
    const at = T0 + 60_000;
    metrics.sources({ imds: { state: "stale", since: T0, reason: "timeout" }, sts: { state: "fresh", since: T0 }, profile: { state: "none", reason: "no instance profile is attached" } }, at);
    expect(await series(metrics, "rolewatch_source_up")).toEqual([
      { labels: { source: "imds" }, value: 0 },
      { labels: { source: "sts" }, value: 1 },
      { labels: { source: "profile" }, value: 1 },
    ]);
    expect(await series(metrics, "rolewatch_source_last_fresh_timestamp_seconds")).toEqual([
      { labels: { source: "sts" }, value: T0 / 1000 },
      { labels: { source: "profile" }, value: at / 1000 },
    ]);
  });

  it("keeps a drift's start time only while it is open, and counts each transition once", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    metrics.driftDetected("role_recreated", T0);
    expect(await series(metrics, "rolewatch_drift_since_timestamp_seconds")).toEqual([{ labels: { kind: "role_recreated" }, value: T0 / 1000 }]);
    metrics.driftOpen("role_recreated", T0); // a restored drift is not detected again
    metrics.driftResolved("role_recreated", 3240);
    expect(await series(metrics, "rolewatch_drift_since_timestamp_seconds")).toEqual([]);
    const open = await series(metrics, "rolewatch_drift");
    expect(open.find((s) => s.labels.kind === "role_recreated")?.value).toBe(0);
    const counted = (await series(metrics, "rolewatch_drift_transitions_total")).filter((s) => s.labels.kind === "role_recreated");
    expect(counted).toEqual([
      { labels: { kind: "role_recreated", transition: "detected" }, value: 1 },
      { labels: { kind: "role_recreated", transition: "resolved" }, value: 1 },
    ]);
  });

  it("exports the clock's skew once an answer carries a Date, and no series before", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    expect(await metrics.text()).not.toMatch(/^rolewatch_clock_skew_seconds /m);
    metrics.clockSkew(600);
    expect(await metrics.text()).toMatch(/^rolewatch_clock_skew_seconds 600$/m);
    metrics.clockSkew(null);
    expect(await metrics.text()).not.toMatch(/^rolewatch_clock_skew_seconds /m);
  });

  it("keeps one role series per source, replacing it when the role changes and removing it on null", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    metrics.role("imds", "RedRole");
    metrics.role("profile", "RedRole");
    metrics.role("profile", "BlueRole");
    metrics.role("imds", null);
    expect(await series(metrics, "rolewatch_role_info")).toEqual([{ labels: { source: "profile", role: "BlueRole" }, value: 1 }]);
  });

  it("exports credential times in seconds and removes them when no credentials are served", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    expect(await series(metrics, "rolewatch_credentials_expiration_timestamp_seconds")).toEqual([]);
    metrics.credentials({ expiration: T0 + 21_600_000, lastUpdated: T0 });
    expect(await series(metrics, "rolewatch_credentials_expiration_timestamp_seconds")).toEqual([{ labels: {}, value: T0 / 1000 + 21_600 }]);
    expect(await series(metrics, "rolewatch_credentials_last_updated_timestamp_seconds")).toEqual([{ labels: {}, value: T0 / 1000 }]);
    metrics.credentials(null);
    expect(await series(metrics, "rolewatch_credentials_expiration_timestamp_seconds")).toEqual([]);
    expect(await series(metrics, "rolewatch_credentials_last_updated_timestamp_seconds")).toEqual([]);
  });

  it("keeps only the current instance profile", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    metrics.instanceProfile("arn:aws:iam::123456789012:instance-profile/A");
    metrics.instanceProfile("arn:aws:iam::123456789012:instance-profile/B");
    expect(await series(metrics, "rolewatch_instance_profile_info")).toEqual([
      { labels: { arn: "arn:aws:iam::123456789012:instance-profile/B" }, value: 1 },
    ]);
    metrics.instanceProfile(null);
    expect(await series(metrics, "rolewatch_instance_profile_info")).toEqual([]);
  });

  it("uses its own registry, never the global one, so two agents in one process do not collide", async () => {
    recordSample(createMetrics({ version: "1.2.3" }));
    recordSample(createMetrics({ version: "1.2.3" }));
    expect(await globalRegistry.metrics()).not.toContain("rolewatch_");
  });

  it("serves the text exposition format with default process metrics", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    const text = await metrics.text();
    expect(text).toContain("rolewatch_build_info{version=\"1.2.3\"} 1");
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_heap_size_used_bytes");
  });

  it("names and labels every rolewatch_ series as the golden file says", async () => {
    const metrics = createMetrics({ version: "1.2.3" });
    recordSample(metrics);
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name).filter((n) => n.startsWith("rolewatch_"));
    const text = (await Promise.all(names.sort().map((n) => metrics.registry.getSingleMetricAsString(n)))).join("\n\n");
    await expect(`${text}\n`).toMatchFileSnapshot("./golden/metrics.prom");
  });

  it("passes promtool check metrics after recording a sample of everything", async (ctx) => {
    requireTool(ctx, promtool);
    const metrics = createMetrics({ version: "1.2.3" });
    recordSample(metrics);
    const check = spawnSync("promtool", ["check", "metrics"], { input: await metrics.text(), encoding: "utf8" });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, output: "" });
  });
});
