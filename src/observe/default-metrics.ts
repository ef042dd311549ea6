import { collectDefaultMetrics, type Registry } from "prom-client";

/**
 * prom-client's gauges named `*_total` break the naming rule that
 * `promtool check metrics` enforces (prometheus/client_js#283). Each is the
 * sum of a by-type sibling that stays: `sum without (type) (nodejs_active_handles)`.
 */
const MISNAMED = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

/**
 * prom-client samples event-loop lag every 10 ms by default, which was most of
 * an idle agent's CPU (4-6 ms a second, measured by `npm run bench`); a
 * daemon that polls every 15 s needs the lag to the second, not to 10 ms.
 */
const EVENT_LOOP_PRECISION_MS = 1000;

/** The standard process and Node.js runtime metrics, in `registry`. */
export function registerDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS });
  for (const name of MISNAMED) registry.removeSingleMetric(name);
}
