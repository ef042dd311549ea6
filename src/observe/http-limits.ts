/**
 * What clients of the HTTP server may hold of the process. Each open connection is a file
 * descriptor, and so is each socket the poll loop opens (IMDS, STS, IAM, EC2) and the state file
 * it writes. Without a cap, about 1,100 idle connections took every descriptor the default soft
 * RLIMIT_NOFILE (1024) allows: scrapes were reset, and the polls could open no socket and reported
 * IMDS unavailable while it was not.
 *
 * With the cap (docs/contract.md, HTTP endpoints; the option http.maxConnections), the server
 * holds at most `maxConnections` descriptors. An idle daemon holds about 20 more of its own (stdio,
 * the event loop, its pipes, the listening socket), and a poll a handful. So the soft
 * RLIMIT_NOFILE must be at least `maxConnections` plus 64, which the default cap of 64 and
 * systemd's default soft limit of 1024 meet many times over.
 */
export interface HttpLimits {
  /** Connections open at once; Node.js closes any further one as soon as it is accepted, unanswered. */
  maxConnections: number;
  /** A connection that sends nothing for this long is closed, whatever state it is in. */
  idleTimeoutMs: number;
  /** The request head must have come by then (a client that trickles a byte at a time). */
  headersTimeoutMs: number;
  /** The whole request must have come by then. */
  requestTimeoutMs: number;
  /** How long a kept-alive connection may wait for its next request. */
  keepAliveTimeoutMs: number;
  /** Bytes of the request line and headers together; more is answered 431. */
  maxHeaderSize: number;
  /** Headers read of one request; the rest are dropped. */
  maxHeadersCount: number;
}

/**
 * A scrape is one small GET, answered from memory: 10 s for its head is generous for any
 * Prometheus, and a keep-alive connection idle past 5 s is opened again at the next scrape.
 */
export const HTTP_LIMITS: Readonly<HttpLimits> = {
  maxConnections: 64,
  idleTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderSize: 8 * 1024,
  maxHeadersCount: 64,
};
