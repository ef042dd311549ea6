import type { Events } from "../observe/events.js";
import type { ControlPlaneApi } from "./labels.js";
import type { Metrics } from "../observe/metrics.js";
import { controlPlaneOutcome, type Classified } from "./classify.js";

/**
 * `control_plane_up{api}` and the unavailable/recovered events, one pair per
 * outage (SPEC 4.5: on transitions, not on every poll). An answer that the
 * profile does not exist is the API working: up.
 */
export class ControlPlaneHealth {
  readonly #downSince = new Map<ControlPlaneApi, number>();

  constructor(
    private readonly metrics: Pick<Metrics, "controlPlane" | "controlPlaneRequest">,
    private readonly events: Pick<Events, "controlPlaneUnavailable" | "controlPlaneRecovered">,
  ) {}

  record(api: ControlPlaneApi, at: number, result: "ok" | Classified): void {
    const kind = result === "ok" ? "ok" : result.kind;
    this.metrics.controlPlaneRequest(api, controlPlaneOutcome(kind));
    const up = kind === "ok" || kind === "not-found";
    this.metrics.controlPlane(api, up);
    const since = this.#downSince.get(api);
    if (up && since !== undefined) {
      this.#downSince.delete(api);
      this.events.controlPlaneRecovered({ api, downSeconds: Math.round((at - since) / 1000) });
    } else if (!up && since === undefined && result !== "ok") {
      this.#downSince.set(api, at);
      this.events.controlPlaneUnavailable({ api, reason: reason(result) });
    }
  }
}

/** `Throttling (HTTP 400): Rate exceeded`: the code first, for a SIEM rule to match on. */
export function reason(failure: Classified): string {
  const http = failure.status === undefined ? "" : ` (HTTP ${failure.status})`;
  return `${failure.code}${http}${failure.message ? `: ${failure.message}` : ""}`;
}
