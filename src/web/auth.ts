/**
 * HTTP basic authentication against bcrypt hashes, as exporter-toolkit does it: an unknown user
 * is compared with a decoy hash, so that the answer takes as long as for a known one; a verified
 * (user, hash, password) is cached under its SHA-256, so that a scrape every few seconds does not
 * pay a bcrypt comparison (about 70 ms at cost 10) each time. The cache holds at most 100 results
 * and drops about a tenth at random when full (exporter-toolkit's web/cache.go).
 */
import { createHash } from "node:crypto";
import bcrypt from "bcryptjs";

/** A bcrypt hash, at cost 10 (htpasswd's and exporter-toolkit's), of a random password thrown away: no one can match it. */
const DECOY = "$2b$10$z4MahQctMYCDsESp.3kbn.yTqoMbLm291825JLRA0JoTemFIgDY..";
const CACHE_SIZE = 100;

export interface Credentials {
  user: string;
  password: string;
}

/** The user and password of an `Authorization: Basic …` header; null when there is none or it is not one. */
export function basicCredentials(header: string | undefined): Credentials | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(header ?? "");
  if (match?.[1] === undefined) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class BasicAuthCache {
  readonly #verified = new Map<string, boolean>();

  constructor(private readonly random: () => number = Math.random) {}

  /** True when `credentials` name a user of `users` and its password. */
  async check(users: ReadonlyMap<string, string>, credentials: Credentials | null): Promise<boolean> {
    if (credentials === null) return false;
    const known = users.get(credentials.user);
    const hash = known ?? DECOY;
    const key = createHash("sha256").update(credentials.user).update("\0").update(hash).update("\0").update(credentials.password).digest("hex");
    let matches = this.#verified.get(key);
    if (matches === undefined) {
      matches = await bcrypt.compare(credentials.password, hash);
      this.#remember(key, matches);
    }
    return matches && known !== undefined;
  }

  get size(): number {
    return this.#verified.size;
  }

  #remember(key: string, matches: boolean): void {
    if (this.#verified.size >= CACHE_SIZE) {
      const keys = [...this.#verified.keys()];
      const drop = Math.max(1, Math.floor(keys.length / 10));
      for (let i = 0; i < drop; i++) this.#verified.delete(keys.splice(Math.floor(this.random() * keys.length), 1)[0] ?? "");
    }
    this.#verified.set(key, matches);
  }
}
