import { createHash, randomBytes } from "node:crypto";

/** Where the simulator's identifiers and secrets come from. */
export interface Random {
  bytes(n: number): Buffer;
}

export const cryptoRandom: Random = { bytes: (n) => randomBytes(n) };

/**
 * A reproducible stream (SHA-256 of seed and counter), so a scenario run twice
 * mints the same ids and keys. Not for anything that must stay secret.
 */
export function seededRandom(seed: string): Random {
  let counter = 0;
  return {
    bytes(n) {
      const chunks: Buffer[] = [];
      for (let have = 0; have < n; have += 32) {
        chunks.push(createHash("sha256").update(`${seed}\0${counter++}`).digest());
      }
      return Buffer.concat(chunks).subarray(0, n);
    },
  };
}

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function pick(random: Random, alphabet: string, length: number): string {
  return [...random.bytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

/**
 * Identifier shapes as AWS prints them (IAM User Guide, "Unique identifiers":
 * ASIA for temporary access keys, AROA for roles, AIPA for instance profiles).
 */
export const ids = {
  accessKeyId: (r: Random) => `ASIA${pick(r, UPPER_ALNUM, 16)}`,
  roleId: (r: Random) => `AROA${pick(r, UPPER_ALNUM, 17)}`,
  instanceProfileId: (r: Random) => `AIPA${pick(r, UPPER_ALNUM, 17)}`,
  instanceId: (r: Random) => `i-${r.bytes(9).toString("hex").slice(0, 17)}`,
  associationId: (r: Random) => `iip-assoc-${r.bytes(9).toString("hex").slice(0, 17)}`,
  /** 40 characters of the base64 alphabet, like a real secret access key. */
  secretAccessKey: (r: Random) => r.bytes(30).toString("base64"),
  /** Real session tokens are ~1000 characters of base64 starting with this prefix. */
  sessionToken: (r: Random) => `IQoJb3JpZ2luX2Vj${r.bytes(720).toString("base64")}`,
  /**
   * 56 characters like the captured `AQAEAIXkhdOR3sIqAVRdg0mVAdHYRr_fkfFDU7SDzH9whlWZJwANKg==`
   * (docs/wire.md, IMDSv2 token): base64url of 40 bytes, padding kept, starting with bytes 01 00 04 00.
   */
  imdsToken: (r: Random) =>
    Buffer.concat([Buffer.from([1, 0, 4, 0]), r.bytes(36)]).toString("base64").replace(/\+/g, "-").replace(/\//g, "_"),
};
