/** docs/reference/metrics.md: every metric of the agent and of the account exporter, from their registries. */
import type { Metric, Registry } from "prom-client";
import { createAccountMetrics } from "../../../src/observe/account-metrics.js";
import { createMetrics } from "../../../src/observe/metrics.js";
import { cell, code } from "./markdown.js";

export interface MetricDoc {
  name: string;
  type: string;
  labels: string[];
  help: string;
}

/** The metrics a registry holds, in registration order; prom-client keeps each one's label names. */
export async function metricsOf(registry: Registry): Promise<MetricDoc[]> {
  return Promise.all(
    // getMetricsAsArray() is typed as plain objects, but holds the metrics themselves.
    (registry.getMetricsAsArray() as unknown as Metric[]).map(async (metric) => {
      const { name, type, help } = await metric.get();
      const labels = (metric as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
      return { name, type: String(type), labels: [...labels], help };
    }),
  );
}

/** The agent's registry with fleet mode's rolewatch_served_info, and the account exporter's. */
export async function registries(): Promise<{ agent: MetricDoc[]; account: MetricDoc[] }> {
  const agent = createMetrics({ version: "0.1.0", served: true });
  const account = createAccountMetrics({ version: "0.1.0" });
  return { agent: await metricsOf(agent.registry), account: await metricsOf(account.registry) };
}

function table(metrics: MetricDoc[]): string[] {
  return [
    "| Metric | Type | Labels | Help |",
    "|---|---|---|---|",
    ...metrics.map((m) => `| ${code(m.name)} | ${m.type} | ${m.labels.map(code).join(", ")} | ${cell(m.help)} |`),
  ];
}

const own = (m: MetricDoc) => m.name.startsWith("rolewatch_");

export async function metricsReference(): Promise<string> {
  const { agent, account } = await registries();
  return [
    "# Metrics",
    "",
    "<!-- Written by `npm run docs` from the metric registries (src/observe/metrics.ts,",
    "src/observe/account-metrics.ts); test/docs/reference.test.ts fails when it differs. -->",
    "",
    "Served on `/metrics` in the Prometheus text format 0.0.4 (docs/contract.md, Metrics). Times are",
    "Unix timestamps in seconds, durations seconds. Labels that come from IMDS or AWS are checked",
    "against their formats before they are exported.",
    "",
    "## rolewatch run",
    "",
    "`rolewatch_served_info` is exported only in fleet mode (`controlPlane.source: account`).",
    "",
    ...table(agent.filter(own)),
    "",
    "## rolewatch account",
    "",
    ...table(account.filter(own)),
    "",
    "## Process and Node.js runtime",
    "",
    "Both commands also export prom-client's standard process and runtime metrics",
    "(github.com/siimon/prom-client, Default metrics), less the `nodejs_active_*_total` gauges, whose",
    "names break Prometheus's naming rule for counters: `sum without (type) (nodejs_active_handles)` is",
    "the same total.",
    "",
    ...table(agent.filter((m) => !own(m))),
    "",
  ].join("\n");
}
