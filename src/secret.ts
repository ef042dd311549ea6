import { inspect } from "node:util";

const REDACTED = "[REDACTED]";

/**
 * A value that must never be logged, stored or exported: the secret parts of
 * role credentials and the IMDS session token. Every way a value can leak by
 * accident (JSON, string interpolation, util.inspect, pino) prints a
 * placeholder; `reveal()` is the one deliberate way out, used only to sign.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
