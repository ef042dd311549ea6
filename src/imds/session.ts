import type { Clock } from "../clock.js";
import { ImdsError, RolewatchError, type ImdsFailure } from "../errors.js";
import type { Secret } from "../secret.js";
import { ImdsConnection, type WireTarget } from "./connection.js";
import { exchange, type Answer } from "./http.js";
import { TOKEN_HEADER, TOKEN_PATH, TOKEN_TTL_HEADER, TOKEN_TTL_MAX, TOKEN_TTL_MIN } from "./paths.js";
import { grantedTtl, isValidTtl, parseToken, tokenUseMs, V1_FALLBACK_STATUSES } from "./token.js";
import type { ImdsEndpointLabel, ImdsReader, ImdsRequestCode } from "./types.js";

export interface ImdsSessionOptions {
  endpoint: string;
  clock: Clock;
  /** Requested token TTL; default the maximum IMDS grants, so one token serves six hours. */
  tokenTtlSeconds?: number;
  /** Per request; 1 s is the AWS SDKs' default (docs/wire.md, How the SDKs read IMDS). */
  timeoutMs?: number;
  /** A credentials body is ~1.3 KB (docs/wire.md, Credentials document); anything near this cap is not IMDS. */
  maxBodyBytes?: number;
  /** Read without a token when the token PUT is answered 403/404/405 (IMDSv1). */
  allowV1?: boolean;
  onRequest?: (r: { endpoint: ImdsEndpointLabel; code: ImdsRequestCode; seconds: number }) => void;
  onTokenFetch?: () => void;
}

type Auth = { version: "v2"; token: Secret; refreshAt: number } | { version: "v1"; refreshAt: number };

/**
 * An IMDSv2 session: one token reused until shortly before its TTL ends, a
 * fresh token and one retry on 401, no IMDSv1 unless asked for. A 404 is a
 * value (`null`); everything else that is not 200 is an ImdsError. Requests
 * made inside `connected()` share one keep-alive connection; any other opens
 * and closes its own.
 */
export class ImdsSession implements ImdsReader {
  readonly #base: URL;
  readonly #clock: Clock;
  readonly #ttlSeconds: number;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #allowV1: boolean;
  readonly #onRequest: ImdsSessionOptions["onRequest"];
  readonly #onTokenFetch: ImdsSessionOptions["onTokenFetch"];
  #auth: Auth | null = null;
  #pending: Promise<Auth> | null = null;
  readonly #target: WireTarget;
  /** Made once; its socket lives only while `connected()` runs. */
  readonly #connection: ImdsConnection;
  #users = 0;

  constructor(options: ImdsSessionOptions) {
    this.#base = new URL(options.endpoint);
    if (this.#base.protocol !== "http:") throw new RolewatchError("the IMDS endpoint must be an http:// URL");
    const { hostname, port, host } = this.#base;
    this.#target = { host: hostname.replace(/^\[(.*)\]$/, "$1"), port: port === "" ? 80 : Number(port), hostHeader: host };
    this.#connection = new ImdsConnection(this.#target, true);
    this.#ttlSeconds = options.tokenTtlSeconds ?? TOKEN_TTL_MAX;
    if (!isValidTtl(this.#ttlSeconds)) {
      throw new RolewatchError(`the IMDS token TTL must be an integer from ${TOKEN_TTL_MIN} to ${TOKEN_TTL_MAX}`);
    }
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.#allowV1 = options.allowV1 ?? false;
    this.#onRequest = options.onRequest;
    this.#onTokenFetch = options.onTokenFetch;
  }

  /** How the last read was made: "v1" means without a token, which the agent reports. */
  get version(): "v1" | "v2" | null {
    return this.#auth?.version ?? null;
  }

  /**
   * Runs `reads` with every request on one keep-alive connection, which is
   * closed, and its close awaited, before this resolves: a poll leaves no
   * socket open. Calls that overlap share it; the last to end closes it.
   */
  async connected<T>(reads: () => Promise<T>): Promise<T> {
    this.#users++;
    try {
      return await reads();
    } finally {
      if (--this.#users === 0) await this.#connection.close();
    }
  }

  async get(path: string, endpoint: ImdsEndpointLabel): Promise<string | null> {
    let answer = await this.#authorizedGet(path, endpoint);
    if (answer.status === 401) {
      answer = await this.#authorizedGet(path, endpoint);
      if (answer.status === 401) throw new ImdsError("unauthorized", path, 401);
    }
    if (answer.status === 200) return answer.body;
    if (answer.status === 404) return null;
    throw new ImdsError(statusFailure(answer.status, "unexpected-status"), path, answer.status);
  }

  async #authorizedGet(path: string, endpoint: ImdsEndpointLabel): Promise<Answer> {
    const auth = await this.#currentAuth();
    const headers: Record<string, string> = auth.version === "v2" ? { [TOKEN_HEADER]: auth.token.reveal() } : {};
    const answer = await this.#send("GET", path, endpoint, headers);
    // A 401 means this token (or reading without one) no longer works; another caller may have replaced it already.
    if (answer.status === 401 && this.#auth === auth) this.#auth = null;
    return answer;
  }

  #currentAuth(): Promise<Auth> {
    const auth = this.#auth;
    if (auth !== null && this.#clock.now() < auth.refreshAt) return Promise.resolve(auth);
    // Concurrent reads share one token request.
    this.#pending ??= this.#fetchAuth()
      .then((fresh) => {
        this.#auth = fresh;
        return fresh;
      })
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  async #fetchAuth(): Promise<Auth> {
    this.#onTokenFetch?.();
    const sentAt = this.#clock.now();
    const answer = await this.#send("PUT", TOKEN_PATH, "token", { [TOKEN_TTL_HEADER]: String(this.#ttlSeconds) });
    if (answer.status === 200) {
      const ttl = grantedTtl(answer.headers, this.#ttlSeconds);
      return { version: "v2", token: parseToken(answer.body), refreshAt: sentAt + tokenUseMs(ttl) };
    }
    if (this.#allowV1 && V1_FALLBACK_STATUSES.has(answer.status)) {
      // Ask for a token again when one would have been refreshed, or at the first 401.
      return { version: "v1", refreshAt: sentAt + tokenUseMs(this.#ttlSeconds) };
    }
    throw new ImdsError(statusFailure(answer.status, "token-refused"), TOKEN_PATH, answer.status);
  }

  async #send(
    method: "GET" | "PUT",
    path: string,
    endpoint: ImdsEndpointLabel,
    headers: Record<string, string>,
  ): Promise<Answer> {
    const started = this.#clock.now();
    const record = (code: ImdsRequestCode) =>
      this.#onRequest?.({ endpoint, code, seconds: (this.#clock.now() - started) / 1000 });
    // Outside connected(): a connection of this request's own, closed before it settles.
    const connection = this.#users > 0 ? this.#connection : new ImdsConnection(this.#target, false);
    try {
      const answer = await exchange({ method, path, headers, timeoutMs: this.#timeoutMs, maxBodyBytes: this.#maxBodyBytes, connection });
      record(`${answer.status}`);
      return answer;
    } catch (err) {
      record(err instanceof ImdsError && err.failure === "timeout" ? "timeout" : "error");
      throw err;
    } finally {
      if (connection !== this.#connection) await connection.close();
    }
  }
}

function statusFailure(status: number, otherwise: ImdsFailure): ImdsFailure {
  if (status === 403) return "disabled";
  if (status === 429) return "throttled";
  if (status >= 500 && status <= 599) return "server-error";
  return otherwise;
}
