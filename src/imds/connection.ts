import { Agent, type ClientRequestArgs } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/**
 * The keep-alive connection of a poll's reads: the token PUT and the three
 * GETs go over one socket instead of one each, and `close()` ends it, so that
 * nothing stays open between polls. The agent itself is made once and kept:
 * making one per poll cost what the saved connects gained.
 */
export class PollConnection extends Agent {
  #closed: Promise<void>[] = [];

  constructor() {
    super({ keepAlive: true, maxSockets: 1 });
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback) as Socket | undefined;
    if (socket) this.#closed.push(new Promise((resolve) => socket.once("close", () => resolve())));
    return socket;
  }

  /** Destroys its socket (and any a failed request left), resolving once each is closed; the next request opens a new one. */
  async close(): Promise<void> {
    const closing = this.#closed;
    this.#closed = [];
    this.destroy();
    await Promise.all(closing);
  }
}
