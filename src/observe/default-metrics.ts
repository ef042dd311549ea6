import { collectDefaultMetrics, type Registry } from "prom-client";

/**
 * prom-client's gauges named `*_total` break the naming rule that
 * `promtool check metrics` enforces (prometheus/client_js#283). Each is the
 * sum of a by-type sibling that stays: `sum without (type) (nodejs_active_handles)`.
 */
const MISNAMED = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

/** The standard process and Node.js runtime metrics, in `registry`. */
export function registerDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED) registry.removeSingleMetric(name);
}
