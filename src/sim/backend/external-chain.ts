import { MIN_ROTATION_HEADROOM_MS, type RotationPolicy } from "../world/delivery.js";
import type { Issue, IssueChain } from "../world/model.js";
import { SimInputError } from "../scenario/validate.js";

/**
 * Credentials minted by an AWS backend, held for IMDS: served until they
 * expire; the follower (follow.ts) replaces them when `nextAt` comes, on the
 * same schedule as CredentialChain's, and never later than the promised
 * headroom before expiry (a backend may grant less than six hours).
 */
export class ExternalChain implements IssueChain {
  #issue: Issue;
  #nextAt = 0;
  #frozen = false;

  constructor(
    private readonly policy: RotationPolicy,
    issue: Issue,
  ) {
    this.#issue = issue;
    this.#schedule(issue.issuedAt + policy.rotationMs);
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  /** When the follower should mint the next credentials; Infinity while frozen. */
  get nextAt(): number {
    return this.#frozen ? Infinity : this.#nextAt;
  }

  at(now: number): Issue | null {
    return now < this.#issue.expiresAt ? this.#issue : null;
  }

  replace(issue: Issue): void {
    this.#issue = issue;
    this.#schedule(issue.issuedAt + this.policy.rotationMs);
  }

  rotate(): Issue {
    throw new SimInputError("credentials come from the AWS backend, which rotates them on its own schedule");
  }

  freeze(): void {
    this.#frozen = true;
  }

  resume(at: number): void {
    if (!this.#frozen) return;
    this.#frozen = false;
    this.#schedule(this.nextRotationAfter(at));
  }

  nextRotationAfter(at: number): number {
    const { rotationMs } = this.policy;
    const base = this.#issue.issuedAt;
    return base + (Math.floor(Math.max(0, at - base) / rotationMs) + 1) * rotationMs;
  }

  #schedule(at: number): void {
    this.#nextAt = Math.min(at, this.#issue.expiresAt - MIN_ROTATION_HEADROOM_MS);
  }
}
