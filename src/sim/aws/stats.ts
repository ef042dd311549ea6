/** Counters of what the API port was asked and answered. */
export interface ApiStats {
  requests: number;
  /** Requests by `service:Action` (e.g. `iam:GetInstanceProfile`), whatever the answer: what a client costs the control plane. */
  calls: Record<string, number>;
  /** Error answers by code (e.g. `Throttling`, `SignatureDoesNotMatch`). */
  errors: Record<string, number>;
  /** Requests an API fault answered. */
  faulted: number;
}

export class ApiCounters {
  requests = 0;
  faulted = 0;
  readonly #calls = new Map<string, number>();
  readonly #errors = new Map<string, number>();

  call(service: string, action: string): void {
    const key = `${service}:${action}`;
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
  }

  error(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  snapshot(): ApiStats {
    return { requests: this.requests, calls: Object.fromEntries(this.#calls), errors: Object.fromEntries(this.#errors), faulted: this.faulted };
  }
}
