const MINUTE = 60_000;

/**
 * How EC2 refreshes instance credentials: "we make new credentials available at
 * least five minutes before the expiration of the old credentials" (IAM User
 * Guide, iam-roles-for-amazon-ec2); observed validity ~6 h, rotation about hourly
 * (PROTOCOL.md 5).
 */
export interface RotationPolicy {
  lifetimeMs: number;
  rotationMs: number;
}

export const EC2_ROTATION: RotationPolicy = { lifetimeMs: 360 * MINUTE, rotationMs: 60 * MINUTE };

/** New credentials must be available at least this long before the old ones expire. */
export const MIN_ROTATION_HEADROOM_MS = 5 * MINUTE;

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
 * expire, then nothing (the field report's role removal, SPEC S1).
 */
export class CredentialChain<T extends Issued> {
  #current: T;
  #frozen = false;

  constructor(
    private readonly policy: RotationPolicy,
    private readonly mint: (issuedAt: number) => T,
    start: number,
  ) {
    this.#current = mint(start);
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
    this.#current = this.mint(at);
    return this.#current;
  }

  freeze(at: number): void {
    this.#catchUp(at);
    this.#frozen = true;
  }

  #catchUp(now: number): void {
    if (this.#frozen) return;
    const { rotationMs, lifetimeMs } = this.policy;
    const base = this.#current.issuedAt;
    const due = Math.floor((now - base) / rotationMs);
    // Rotations whose credentials had expired by `now` were never served: skip minting them.
    const first = Math.max(1, due - Math.ceil(lifetimeMs / rotationMs) + 1);
    for (let i = first; i <= due; i++) this.#current = this.mint(base + i * rotationMs);
  }
}
