import type { IncomingMessage } from "node:http";

/**
 * Reads a response body up to `maxBytes`: `done(null)` and the response
 * destroyed as soon as the cap is passed (declared or read), so a body that
 * is not what IMDS or AWS would send is never buffered whole.
 */
export function readCapped(res: IncomingMessage, maxBytes: number, done: (body: string | null) => void, fail: (err: unknown) => void): void {
  const tooBig = () => {
    done(null);
    res.destroy();
  };
  if (Number(res.headers["content-length"]) > maxBytes) return tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  res.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) return tooBig();
    chunks.push(chunk);
  });
  res.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
  res.on("error", fail);
}
