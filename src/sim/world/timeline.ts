/**
 * Changes set for a time (a scenario's schedule), applied lazily like every
 * other change that comes due: when the world is next read at or after their
 * time, each at its own time and in order, so a clock that jumps applies them
 * all as they would have happened.
 */
export interface TimedChange {
  at: number;
  /** What the change does, for the record: "revokeSessions RedRole". */
  what: string;
  /** Throws when the change cannot be made at its time (IAM would refuse it); the error is recorded. */
  apply(at: number): void;
}

export interface TimedRecord {
  at: number;
  what: string;
  state: "pending" | "done" | "failed";
  /** Why it failed. */
  error?: string;
}

export class Timeline {
  readonly #pending: TimedChange[] = [];
  readonly #past: TimedRecord[] = [];
  #applying = false;

  /** Keeps changes of the same time in the order they were added. */
  add(change: TimedChange): void {
    const index = this.#pending.findIndex((c) => c.at > change.at);
    this.#pending.splice(index === -1 ? this.#pending.length : index, 0, change);
  }

  /**
   * Applies every change due by `at`, calling `before(change.at)` first so that
   * what came due earlier is settled. A change's own reads of the world do not
   * apply the next one early: a call while applying does nothing.
   */
  run(at: number, before: (at: number) => void): void {
    if (this.#applying) return;
    this.#applying = true;
    try {
      for (let next = this.#pending[0]; next !== undefined && next.at <= at; next = this.#pending[0]) {
        this.#pending.shift();
        before(next.at);
        this.#past.push(apply(next));
      }
    } finally {
      this.#applying = false;
    }
  }

  /** What was done, what failed and why, then what is still to come. */
  records(): TimedRecord[] {
    return [...this.#past.map((r) => ({ ...r })), ...this.#pending.map(({ at, what }) => ({ at, what, state: "pending" as const }))];
  }
}

function apply(change: TimedChange): TimedRecord {
  const { at, what } = change;
  try {
    change.apply(at);
    return { at, what, state: "done" };
  } catch (error) {
    return { at, what, state: "failed", error: error instanceof Error ? error.message : String(error) };
  }
}
