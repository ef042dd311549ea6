import type { Clock } from "../../clock.js";
import { ids, type Random } from "../world/random.js";

const ISSUED_KEPT = 10_000;

export type TokenCheck = { valid: true; remainingSeconds: number } | { valid: false };

/**
 * IMDSv2 session tokens, held in memory with their issue time on the
 * simulator's clock. "There is no practical limit on the number of concurrent
 * tokens" (docs/wire.md, IMDSv2 token); expired ones are dropped as they are met.
 */
export class TokenStore {
  readonly #expiries = new Map<string, number>();
  /** Every token handed out, so a pipeline can be scanned for leaks; bounded for a long-running simulator. */
  readonly #issued = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  issue(ttlSeconds: number): string {
    this.#sweep();
    const token = ids.imdsToken(this.random);
    this.#expiries.set(token, this.clock.now() + ttlSeconds * 1000);
    if (this.#issued.size < ISSUED_KEPT) this.#issued.add(token);
    return token;
  }

  check(token: string): TokenCheck {
    const expiresAt = this.#expiries.get(token);
    if (expiresAt === undefined) return { valid: false };
    const remainingMs = expiresAt - this.clock.now();
    if (remainingMs <= 0) {
      this.#expiries.delete(token);
      return { valid: false };
    }
    // Rounded up, so a token still valid never reports 0 seconds left.
    return { valid: true, remainingSeconds: Math.ceil(remainingMs / 1000) };
  }

  issued(): string[] {
    return [...this.#issued];
  }

  revokeAll(): void {
    this.#expiries.clear();
  }

  get size(): number {
    this.#sweep();
    return this.#expiries.size;
  }

  #sweep(): void {
    const now = this.clock.now();
    for (const [token, expiresAt] of this.#expiries) if (expiresAt <= now) this.#expiries.delete(token);
  }
}
