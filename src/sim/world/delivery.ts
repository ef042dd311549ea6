import { EC2_ROTATION, MIN_ROTATION_HEADROOM_MS, type RotationPolicy } from "../scenario/scenario.js";

export { EC2_ROTATION, MIN_ROTATION_HEADROOM_MS, type RotationPolicy };

interface Issued {
  issuedAt: number;
  expiresAt: number;
}

/**
 * The credentials IMDS serves for one delivery, rotated lazily from the time
 * asked for: no timers, so a clock that jumps three hours sees the three
 * rotations that happened meanwhile, each issued at the time it happened.
 *
 * A frozen chain no longer rotates: its last credentials are served until they
 * expire, then nothing (the field report's role removal, docs/contract.md, Field report, S1). A resumed
 * one goes on with the same credentials until its next rotation (docs/contract.md, Field report, S2).
 */
export class CredentialChain<T extends Issued> {
  #current: T;
  #nextAt: number;
  #frozen = false;

  constructor(
    private readonly policy: RotationPolicy,
    private readonly mint: (issuedAt: number) => T,
    start: number,
  ) {
    this.#current = mint(start);
    this.#nextAt = this.#current.issuedAt + policy.rotationMs;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  /** What is served at `now`; null once a frozen chain's credentials have expired. */
  at(now: number): T | null {
    if (this.#frozen) return now < this.#current.expiresAt ? this.#current : null;
    this.#catchUp(now);
    return this.#current;
  }

  /** A rotation out of schedule; the next one follows a full interval later. A frozen chain stays frozen. */
  rotate(at: number): T {
    this.#catchUp(at);
    this.#mintAt(at);
    return this.#current;
  }

  freeze(at: number): void {
    this.#catchUp(at);
    this.#frozen = true;
  }

  /**
   * Rotation starts again on the schedule of the current credentials: the same
   * ones are served until the next hourly point, unless that point would leave
   * less than the promised headroom before they expire (or they have expired):
   * then new ones are minted at once.
   */
  resume(at: number): void {
    if (!this.#frozen) return;
    this.#frozen = false;
    this.#nextAt = this.nextRotationAfter(at);
    if (this.#nextAt > this.#current.expiresAt - MIN_ROTATION_HEADROOM_MS) this.#mintAt(at);
  }

  /** The first point of the current credentials' hourly schedule after `at`. */
  nextRotationAfter(at: number): number {
    const { rotationMs } = this.policy;
    const base = this.#current.issuedAt;
    return base + (Math.floor(Math.max(0, at - base) / rotationMs) + 1) * rotationMs;
  }

  #mintAt(at: number): void {
    this.#current = this.mint(at);
    this.#nextAt = this.#current.issuedAt + this.policy.rotationMs;
  }

  #catchUp(now: number): void {
    if (this.#frozen || now < this.#nextAt) return;
    const { rotationMs, lifetimeMs } = this.policy;
    const due = Math.floor((now - this.#nextAt) / rotationMs) + 1;
    // Rotations whose credentials had expired by `now` were never served: skip minting them.
    const skipped = Math.max(0, due - Math.ceil(lifetimeMs / rotationMs));
    this.#nextAt += skipped * rotationMs;
    while (this.#nextAt <= now) this.#mintAt(this.#nextAt);
  }
}
