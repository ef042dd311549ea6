import type { StateStore } from "./state-store.js";
import type { DriftState } from "../drift/state.js";
import { emptyState } from "../drift/state.js";
import type { Events } from "../observe/events.js";

/**
 * The drift state as the agent keeps it: loaded once, saved when it changes.
 * A store that fails is reported once per distinct problem; the agent goes on
 * with the state in memory.
 */
export class PersistedState {
  #state: DriftState;
  #saved: string;
  #lastProblem: string | null = null;

  constructor(private readonly store: StateStore | null, private readonly events: Pick<Events, "stateProblem" | "stateCreated">) {
    const loaded = store?.load() ?? { state: emptyState() };
    if (loaded.first && store) events.stateCreated({ path: store.path });
    else if (loaded.problem) events.stateProblem(loaded.problem);
    this.#state = loaded.state;
    this.#saved = JSON.stringify(loaded.state);
  }

  get state(): DriftState {
    return this.#state;
  }

  update(state: DriftState): void {
    this.#state = state;
    const text = JSON.stringify(state);
    if (text === this.#saved || !this.store) return;
    try {
      this.store.save(state);
      this.#saved = text;
      this.#lastProblem = null;
    } catch (error) {
      const problem = `cannot be written (${(error as NodeJS.ErrnoException).code ?? "error"}); drifts are kept in memory only`;
      if (problem !== this.#lastProblem) this.events.stateProblem({ problem, path: this.store.path });
      this.#lastProblem = problem;
    }
  }
}
