import { collectDefaultMetrics, type Registry } from "prom-client";

/**
 * prom-client's gauges named `*_total` break the naming rule that
 * `promtool check metrics` enforces (prometheus/client_js#283). Each is the
 * sum of a by-type sibling that stays: `sum without (type) (nodejs_active_handles)`.
 */
const MISNAMED = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

/**
 * prom-client samples event-loop lag every 10 ms by default, which was most of
 * an idle agent's CPU (4-6 ms a second, measured by `npm run bench`). Each
 * sample wakes the process: once a second that was still 0.05 ms of CPU a
 * second of an idle agent on Node 24 (0.30-0.32 against 0.25-0.26 ms/s every
 * 5 s), and a daemon that polls every 15 s needs its lag to a few seconds.
 */
const EVENT_LOOP_PRECISION_MS = 5000;

/** The standard process and Node.js runtime metrics, in `registry`. */
export function registerDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS });
  for (const name of MISNAMED) registry.removeSingleMetric(name);
}
