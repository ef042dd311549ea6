import { fold, initialFoldState, type FoldState } from "../drift/fold.js";
import type { DriftState } from "../drift/state.js";
import type { ImdsView } from "../imds/types.js";
import type { Observer } from "./observe.js";
import type { Publisher } from "./publish.js";
import { reportOf, type CheckReport } from "./report.js";

export interface AgentDeps {
  observer: Observer;
  /** The drift state to start from: restored from disk by `run`, empty for `check`. */
  drift: DriftState;
  /** null: nothing is published (`check` prints the report it returns). */
  publisher: Publisher | null;
}

/**
 * One poll: observe (IMDS, then STS and the control plane when due), fold
 * the observation into what is known, and hand both to the publisher.
 */
export class Agent {
  #state: FoldState;
  /** IMDS as last read: `/status` keeps showing it, stale, while IMDS cannot be read. */
  #lastView: ImdsView | null = null;

  constructor(private readonly deps: AgentDeps) {
    this.#state = initialFoldState(deps.drift);
  }

  /** The report of the last published poll; null before the first one. */
  get last(): CheckReport | null {
    return this.deps.publisher?.last ?? null;
  }

  async poll(): Promise<CheckReport> {
    const observed = await this.deps.observer.observe(this.#state);
    const folded = fold(this.#state, observed, observed.at);
    this.#state = folded.state;
    if (observed.imds.ok) this.#lastView = observed.imds.view;
    const report = reportOf(observed, folded.state, this.#lastView);
    this.deps.publisher?.publish(observed, folded, report);
    return report;
  }
}
