/** Counters of what IMDS was asked and answered; the admin paths are not counted. */
export interface ImdsStats {
  requests: number;
  /** PUTs to a token path, whatever the answer. */
  tokenPuts: number;
  tokensIssued: number;
  /** Tokens issued and not yet expired or revoked. */
  activeTokens: number;
  /** GET and HEAD requests by path (duplicate slashes collapsed), whatever the answer. */
  reads: Record<string, number>;
  /** Answers 401: no token where one is required, or an unknown or expired one. */
  rejected: number;
  /** Answers by status code; resets are not answers and are counted under faulted only. */
  statuses: Record<string, number>;
  /** Requests a fault acted on. */
  faulted: number;
}

export class ImdsCounters {
  requests = 0;
  tokenPuts = 0;
  tokensIssued = 0;
  rejected = 0;
  faulted = 0;
  readonly #reads = new Map<string, number>();
  readonly #statuses = new Map<number, number>();

  read(path: string): void {
    this.#reads.set(path, (this.#reads.get(path) ?? 0) + 1);
  }

  answered(status: number): void {
    this.#statuses.set(status, (this.#statuses.get(status) ?? 0) + 1);
    if (status === 401) this.rejected++;
  }

  snapshot(activeTokens: number): ImdsStats {
    return {
      requests: this.requests,
      tokenPuts: this.tokenPuts,
      tokensIssued: this.tokensIssued,
      activeTokens,
      reads: Object.fromEntries(this.#reads),
      rejected: this.rejected,
      statuses: Object.fromEntries([...this.#statuses].map(([status, n]) => [String(status), n])),
      faulted: this.faulted,
    };
  }
}
