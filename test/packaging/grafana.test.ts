/**
 * The Grafana dashboard, packaging/grafana/rolewatch.json, as a file: what importing it needs, and
 * queries that can only name metrics rolewatch registers. That every query returns data is
 * test/prometheus/dashboard.test.ts, against a real Prometheus.
 */
import { describe, expect, it } from "vitest";
import { createAccountMetrics } from "../../src/observe/account-metrics.js";
import { createMetrics } from "../../src/observe/metrics.js";
import { idsOf, loadDashboard, metricsIn, panelsOf, queriesOf, selectorsIn, type Panel } from "../support/dashboard.js";

const dashboard = loadDashboard();
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

async function registered(registry: { getMetricsAsJSON(): Promise<{ name: string }[]> }): Promise<Set<string>> {
  return new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
}
const agentMetrics = await registered(createMetrics({ version: "test", served: true }).registry);
const accountMetrics = await registered(createAccountMetrics({ version: "test" }).registry);
const known = new Set([...agentMetrics, ...accountMetrics]);
const exprs = queriesOf(dashboard).map((q) => q.target.expr);
const named = new Set(exprs.flatMap((e) => metricsIn(e, known)));

function overlaps(a: Panel["gridPos"], b: Panel["gridPos"]): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe("the Grafana dashboard", () => {
  it("imports with a Prometheus data source chosen at import, into the datasource variable every query uses", () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toBe("rolewatch");
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" })]);
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.datasource).toMatchObject({ type: "datasource", query: "prometheus", current: { value: "${DS_PROMETHEUS}" } });
    for (const name of ["job", "instance", "account_job"]) expect(variables[name]).toMatchObject({ type: "query", datasource: DATASOURCE });
    expect(variables.instance).toMatchObject({ includeAll: true, allValue: ".*", multi: true });
  });

  it("gives every panel and every query the datasource variable", () => {
    const panels = panelsOf(dashboard);
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource, panel.title).toEqual(DATASOURCE);
    }
  });

  it("has unique panel ids, and panels that fit the 24-column grid without overlapping", () => {
    const ids = idsOf(dashboard);
    expect(new Set(ids).size).toBe(ids.length);
    const all = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
    for (const p of all) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    const clashes = all.flatMap((a, i) => all.slice(i + 1).filter((b) => overlaps(a.gridPos, b.gridPos)).map((b) => `${a.title} / ${b.title}`));
    expect(clashes).toEqual([]);
  });

  it("names in its queries only metrics that rolewatch run and rolewatch account register", () => {
    expect([...named].filter((m) => !known.has(m))).toEqual([]);
  });

  it("filters every agent series by $job and $instance, and every account exporter series by $account_job", () => {
    const unfiltered = exprs.flatMap((expr) => selectorsIn(expr).filter(({ metric, matchers }) => {
      const m = matchers ?? "";
      const account = m.includes('job=~"$account_job"');
      if (metric.startsWith("rolewatch_account_")) return !account;
      return !account && (!m.includes('job=~"$job"') || !m.includes('instance=~"$instance"'));
    }).map((s) => `${s.metric} in ${expr}`));
    expect(unfiltered).toEqual([]);
  });

  it("shows what operators watch: drift by kind and per instance, drift durations, sources, credentials, calls, the account exporter", () => {
    for (const metric of [
      "rolewatch_drift", "rolewatch_drift_resolved_duration_seconds", "rolewatch_source_up",
      "rolewatch_credentials_expiration_timestamp_seconds", "rolewatch_credentials_last_updated_timestamp_seconds",
      "rolewatch_control_plane_requests_total", "rolewatch_sts_requests_total",
      "rolewatch_served_info", "rolewatch_account_profile_info", "rolewatch_account_association_info",
      "rolewatch_account_up", "rolewatch_account_requests_total", "rolewatch_account_pages_total",
    ]) expect(named, metric).toContain(metric);
    const quantiles = exprs.filter((e) => e.includes("rolewatch_drift_resolved_duration_seconds_bucket")).map((e) => /histogram_quantile\(([\d.]+)/.exec(e)?.[1]);
    expect(quantiles.sort()).toEqual(["0.5", "0.99"]);
    const timelines = panelsOf(dashboard).filter((p) => p.type === "state-timeline" && p.targets?.some((t) => /\brolewatch_drift\{/.test(t.expr)));
    expect(timelines.map((p) => p.targets?.[0]?.expr)).toEqual([expect.stringMatching(/by \(instance\)/)]);
  });
});
