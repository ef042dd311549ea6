import type { Socket } from "node:net";

/** A client socket as a test of the HTTP server's limits reads it. */
export interface Connection<S extends Socket = Socket> {
  socket: S;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves when the connection is closed, by either side, with the ms since it was opened. */
  closed: Promise<number>;
  /** Resolves when the server's answer so far holds `text`; rejects if the connection closes without it. */
  seen: (text: string) => Promise<void>;
}

/** Watches what `socket`, opened just now, receives and when it closes; a reset counts as a close. */
export function watch<S extends Socket>(socket: S): Connection<S> {
  const started = performance.now();
  let received = "";
  const waiters: (() => void)[] = [];
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    received += chunk;
    for (const w of waiters.splice(0)) w();
  });
  socket.on("error", () => {}); // what was received tells the rest
  const closed = new Promise<number>((done) => socket.once("close", () => done(performance.now() - started)));
  const seen = (text: string) =>
    new Promise<void>((done, fail) => {
      const check = () => (received.includes(text) ? done() : waiters.push(check));
      check();
      void closed.then(() => (received.includes(text) ? done() : fail(new Error(`closed having sent ${JSON.stringify(received)}`))));
    });
  return { socket, received: () => received, closed, seen };
}
