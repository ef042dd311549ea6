import { readFileSync } from "node:fs";

/** The parts of a Grafana dashboard's JSON model the tests read (grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model). */
export interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId: string;
  expr: string;
  instant?: boolean;
  range?: boolean;
  datasource?: DataSourceRef;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: DataSourceRef;
  targets?: Target[];
  panels?: Panel[];
  gridPos: { h: number; w: number; x: number; y: number };
}

export interface Variable {
  name: string;
  type: string;
  query: unknown;
  datasource?: DataSourceRef;
  includeAll?: boolean;
  allValue?: string;
}

export interface Dashboard {
  __inputs?: { name: string; type: string; pluginId: string }[];
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

export const DASHBOARD_FILE = new URL("../../packaging/grafana/rolewatch.json", import.meta.url);

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")) as Dashboard;
}

/** Every panel, those inside a collapsed row too; rows themselves are left out. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => (p.type === "row" ? (p.panels ?? []) : [p]));
}

/** The ids of every panel, rows included: Grafana keys panels by id, so each must be unique. */
export function idsOf(dashboard: Dashboard): number[] {
  return dashboard.panels.flatMap((p) => [p.id, ...(p.panels ?? []).map((q) => q.id)]);
}

/** Each query of each panel, named for a failure's message. */
export function queriesOf(dashboard: Dashboard): { panel: Panel; target: Target; name: string }[] {
  return panelsOf(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target, name: `${panel.title} (${target.refId})` })));
}

/**
 * `expr` as Grafana sends it: each `$name` or `${name}` replaced by `values[name]`. A variable
 * without a value is left as it is, so that Prometheus rejects the query and the test names it.
 */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => values[braced ?? bare ?? ""] ?? whole);
}

const SUFFIXES = ["_bucket", "_count", "_sum"];

/** The metric names an expression selects, with a histogram's series suffix taken off when `known` has the histogram. */
export function metricsIn(expr: string, known: ReadonlySet<string>): string[] {
  const names = [...expr.matchAll(/(?<![\w:"])(rolewatch_[a-z0-9_]+)/g)].map((m) => m[1] ?? "");
  return [...new Set(names.map((n) => {
    const suffix = SUFFIXES.find((s) => n.endsWith(s) && known.has(n.slice(0, -s.length)));
    return suffix === undefined ? n : n.slice(0, -suffix.length);
  }))];
}

/** Each metric an expression selects, with its label matchers (`{...}`, null when it has none). */
export function selectorsIn(expr: string): { metric: string; matchers: string | null }[] {
  return [...expr.matchAll(/(?<![\w:"])(rolewatch_[a-z0-9_]+|up)\b(\{[^}]*\})?/g)].map((m) => ({ metric: m[1] ?? "", matchers: m[2] ?? null }));
}
