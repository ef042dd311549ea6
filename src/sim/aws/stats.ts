/** Counters of what the API port was asked and answered. */
export interface ApiStats {
  requests: number;
  /** Requests by `service:Action` (e.g. `iam:GetInstanceProfile`), whatever the answer: what a client costs the control plane. Each page of a list is one. */
  calls: Record<string, number>;
  /** Pages answered by paged list actions (`iam:ListInstanceProfiles`, `ec2:DescribeIamInstanceProfileAssociations`, …), with the items they held. */
  pages: Record<string, PageCount>;
  /** Error answers by code (e.g. `Throttling`, `SignatureDoesNotMatch`). */
  errors: Record<string, number>;
  /** Requests an API fault answered. */
  faulted: number;
}

export interface PageCount {
  pages: number;
  items: number;
}

export class ApiCounters {
  requests = 0;
  faulted = 0;
  readonly #calls = new Map<string, number>();
  readonly #pages = new Map<string, PageCount>();
  readonly #errors = new Map<string, number>();

  call(service: string, action: string): void {
    const key = `${service}:${action}`;
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
  }

  page(service: string, action: string, items: number): void {
    const key = `${service}:${action}`;
    const count = this.#pages.get(key) ?? { pages: 0, items: 0 };
    this.#pages.set(key, { pages: count.pages + 1, items: count.items + items });
  }

  error(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  snapshot(): ApiStats {
    return {
      requests: this.requests,
      calls: Object.fromEntries(this.#calls),
      pages: Object.fromEntries([...this.#pages].map(([key, count]) => [key, { ...count }])),
      errors: Object.fromEntries(this.#errors),
      faulted: this.faulted,
    };
  }
}
