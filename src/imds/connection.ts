import type { Socket } from "node:net";
import { RealDeadline } from "../clock.js";
import { NetError } from "../net.js";
import { MalformedResponse, ResponseReader, type Response } from "./response.js";

// Not an ESM import: the ESM view of a builtin reads its every export, and
// loads what they load (node:net's BlockList and SocketAddress).
const { connect } = process.getBuiltinModule("node:net");

export interface WireRequest {
  method: "GET" | "PUT";
  /** Starts with "/"; printable ASCII only. */
  path: string;
  headers: Record<string, string>;
  timeoutMs: number;
  maxBodyBytes: number;
}

/** Where IMDS listens; `hostHeader` is what the Host header says (brackets around IPv6). */
export interface WireTarget {
  host: string;
  port: number;
  hostHeader: string;
}

/**
 * HTTP/1.1 to IMDS on one socket, one request at a time: the token PUT and the
 * three GETs of a poll reuse it while the server allows, and `close()` ends
 * it. Written here rather than through node's HTTP client: a poll's reads are
 * four small requests to one link-local server, and node's client (with its
 * streams, agent and parser callbacks) cost 3.1 ms of CPU a poll on an
 * interpreted (--jitless) Node 24 where this costs 0.9 ms (npm run bench).
 *
 * Each request has its deadline in real time; a body over the cap is never
 * buffered whole; errors are NetError, as from src/net.ts. A kept socket that
 * broke before any byte of an answer came is not the server failing: that
 * request is sent once more, on a new socket.
 */
export class ImdsConnection {
  #wire: Wire | null = null;
  #closed: Promise<void>[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  readonly #deadline = new RealDeadline();

  /** `keepAlive` false: each request on a socket of its own, closed after it. */
  constructor(private readonly target: WireTarget, private readonly keepAlive: boolean) {}

  request(r: WireRequest): Promise<Response> {
    const run = this.#queue.then(() => this.#sendRetrying(r));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Destroys the socket, if any, and resolves once every socket this made is closed. */
  async close(): Promise<void> {
    this.#deadline.stop();
    this.#wire?.socket.destroy();
    this.#wire = null;
    const closing = this.#closed;
    this.#closed = [];
    await Promise.all(closing);
  }

  async #sendRetrying(r: WireRequest): Promise<Response> {
    try {
      return await this.#send(r);
    } catch (error) {
      if (!(error instanceof StaleSocket)) throw error;
      return await this.#send(r);
    }
  }

  /** A socket with its listeners, set once: adding and removing four per request cost more than the request's own parsing. */
  #open(): Wire {
    const socket = connect({ host: this.target.host, port: this.target.port });
    const wire: Wire = { socket, exchange: null };
    this.#closed.push(new Promise((resolve) => socket.once("close", () => resolve())));
    socket.on("data", (chunk: Buffer) => {
      if (wire.exchange) return wire.exchange.data(chunk);
      // Bytes between requests answer nothing that was asked: read as the next answer, they would stand in for it.
      socket.destroy();
      if (this.#wire === wire) this.#wire = null;
    });
    socket.on("end", () => wire.exchange?.end());
    // An error between requests (the server gone while the socket waits) is the next request's, or nobody's.
    socket.on("error", (error: NodeJS.ErrnoException) => wire.exchange?.error(error));
    socket.on("close", () => {
      if (this.#wire === wire) this.#wire = null;
      wire.exchange?.end();
    });
    this.#wire = wire;
    return wire;
  }

  #send(r: WireRequest): Promise<Response> {
    const head = requestHead(r, this.target.hostHeader, this.keepAlive);
    if (head === null) return Promise.reject(new NetError("unreachable", "ERR_INVALID_CHAR"));
    const reused = this.#wire !== null;
    const wire = this.#wire ?? this.#open();
    return new Promise((resolve, reject) => {
      const reader = new ResponseReader(r.maxBodyBytes);
      const settle = (outcome: () => void, keep: boolean) => {
        if (wire.exchange !== exchange) return;
        wire.exchange = null;
        this.#deadline.clear();
        if (!keep) {
          wire.socket.destroy();
          if (this.#wire === wire) this.#wire = null;
        }
        outcome();
      };
      const fail = (error: NetError) => settle(() => reject(error), false);
      // Broken before any byte came back: on a kept socket, the server had closed it; else it is unreachable.
      const broken = (code: string | undefined, cause?: unknown) =>
        fail(reused && !reader.started ? new StaleSocket("unreachable", code) : new NetError("unreachable", code, undefined, cause === undefined ? undefined : { cause }));
      const exchange: Exchange = {
        data: (chunk) => {
          let answer;
          try {
            answer = reader.push(chunk);
          } catch (error) {
            if (!(error instanceof MalformedResponse)) throw error;
            return fail(new NetError("unreachable", undefined, undefined, { cause: error }));
          }
          if (answer === "too-big") return fail(new NetError("too-big", undefined, reader.status));
          if (answer !== null) settle(() => resolve(answer), this.keepAlive && answer.reusable);
        },
        end: () => {
          const answer = reader.end();
          if (answer) settle(() => resolve(answer), false);
          else broken("ECONNRESET");
        },
        error: (error) => broken(error.code, error),
      };
      wire.exchange = exchange;
      this.#deadline.set(r.timeoutMs, () => fail(new NetError("timeout")));
      wire.socket.write(head);
    });
  }
}

/** One socket, and the request it is answering, if any. */
interface Wire {
  socket: Socket;
  exchange: Exchange | null;
}

interface Exchange {
  data(chunk: Buffer): void;
  end(): void;
  error(error: NodeJS.ErrnoException): void;
}

/** A request on a reused socket that broke before any answer came. */
class StaleSocket extends NetError {}

const PATH = /^\/[\x21-\x7e]*$/;
const VALUE = /^[\x20-\x7e]*$/;

/** The request line and headers; null when a path or header value could not go on the wire as it is. */
function requestHead(r: WireRequest, hostHeader: string, keepAlive: boolean): string | null {
  if (!PATH.test(r.path)) return null;
  let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${hostHeader}\r\n`;
  for (const [name, value] of Object.entries(r.headers)) {
    if (!VALUE.test(value)) return null;
    head += `${name}: ${value}\r\n`;
  }
  if (r.method === "PUT") head += "Content-Length: 0\r\n";
  return `${head}Connection: ${keepAlive ? "keep-alive" : "close"}\r\n\r\n`;
}
