/**
 * Reads one HTTP/1.1 response from the bytes of a socket, as they come: the
 * status line and headers (up to MAX_HEAD_BYTES), then a body framed by
 * Content-Length, chunked, or the end of the connection. Only a 200's body is
 * kept, up to a cap; any other body is counted and dropped.
 */

import { framing, MalformedResponse, MAX_HEAD_BYTES, parseHeaders, type Framing } from "./response-head.js";

export { MalformedResponse, MAX_HEAD_BYTES };

const MAX_CHUNK_LINE = 1024;
const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

export interface Response {
  status: number;
  /** Names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** "" unless the status is 200. */
  body: string;
  /** Whether the connection may carry another request. */
  reusable: boolean;
}

export class ResponseReader {
  #pending: Buffer = Buffer.alloc(0);
  #status = 0;
  #headers: Record<string, string> = {};
  #reusable = true;
  #framing: Framing | null = null;
  #chunk: "size" | "data" | "crlf" | "trailers" = "size";
  #chunkLeft = 0;
  #trailerBytes = 0;
  #keep = false;
  #body: Buffer[] = [];
  #bodyBytes = 0;

  constructor(private readonly maxBodyBytes: number) {}

  /** The status, once the head is read; 0 before. */
  get status(): number {
    return this.#status;
  }

  /** Whether any byte of a response has come. */
  get started(): boolean {
    return this.#status !== 0 || this.#pending.length > 0;
  }

  /** Takes the next bytes: the whole response once complete, "too-big" past the cap, null while more is needed. */
  push(chunk: Buffer): Response | "too-big" | null {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    try {
      if (this.#framing === null && !this.#readHead()) return null;
      return this.#framing?.kind === "chunked" ? this.#readChunked() : this.#readPlain();
    } catch (error) {
      if (error instanceof TooBig) return "too-big";
      throw error;
    }
  }

  /** The connection ended: the response, if it was framed by that end; else null (it was cut short). */
  end(): Response | null {
    if (this.#framing?.kind !== "close") return null;
    return this.#response();
  }

  #readHead(): boolean {
    for (;;) {
      const end = this.#pending.indexOf(HEAD_END);
      if (end < 0) {
        if (this.#pending.length > MAX_HEAD_BYTES) throw new MalformedResponse("response head over the size limit");
        return false;
      }
      if (end > MAX_HEAD_BYTES) throw new MalformedResponse("response head over the size limit");
      const [statusLine = "", ...lines] = this.#pending.toString("latin1", 0, end).split("\r\n");
      this.#pending = this.#pending.subarray(end + HEAD_END.length);
      const match = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\r\n]*)?$/.exec(statusLine);
      if (!match) throw new MalformedResponse("not an HTTP/1.x status line");
      const status = Number(match[2]);
      // Nothing here asks to switch protocols; an interim answer (100 Continue) comes before the real one.
      if (status === 101) throw new MalformedResponse("a protocol switch nobody asked for");
      if (status < 200) continue;
      this.#status = status;
      this.#headers = parseHeaders(lines);
      const connection = (this.#headers["connection"] ?? "").toLowerCase();
      this.#reusable = match[1] === "1" ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
      this.#framing = framing(status, this.#headers);
      if (this.#framing.kind === "close") this.#reusable = false;
      this.#keep = status === 200;
      if (this.#keep && this.#framing.kind === "length" && this.#framing.left > this.maxBodyBytes) throw new TooBig();
      return true;
    }
  }

  #readPlain(): Response | null {
    const framing = this.#framing!;
    if (framing.kind === "none" || framing.kind === "chunked") return this.#complete();
    if (framing.kind === "close") {
      this.#take(this.#pending);
      this.#pending = Buffer.alloc(0);
      return null;
    }
    const n = Math.min(framing.left, this.#pending.length);
    this.#take(this.#pending.subarray(0, n));
    this.#pending = this.#pending.subarray(n);
    framing.left -= n;
    return framing.left === 0 ? this.#complete() : null;
  }

  #readChunked(): Response | null {
    for (;;) {
      if (this.#chunk === "size" || this.#chunk === "trailers") {
        const end = this.#pending.indexOf(CRLF);
        if (end < 0) {
          if (this.#pending.length > MAX_CHUNK_LINE) throw new MalformedResponse("chunk line over the size limit");
          return null;
        }
        const line = this.#pending.toString("latin1", 0, end);
        this.#pending = this.#pending.subarray(end + CRLF.length);
        if (this.#chunk === "trailers") {
          // Trailer lines up to an empty one; none is kept, and all of them count against the head's limit.
          if (line === "") return this.#complete();
          this.#trailerBytes += end + CRLF.length;
          if (this.#trailerBytes > MAX_HEAD_BYTES) throw new MalformedResponse("trailers over the size limit");
          continue;
        }
        const size = /^([0-9a-fA-F]{1,8})[ \t]*(?:;.*)?$/.exec(line);
        if (!size) throw new MalformedResponse("not a chunk size line");
        this.#chunkLeft = parseInt(size[1]!, 16);
        this.#chunk = this.#chunkLeft === 0 ? "trailers" : "data";
        continue;
      }
      if (this.#chunk === "data") {
        const n = Math.min(this.#chunkLeft, this.#pending.length);
        this.#take(this.#pending.subarray(0, n));
        this.#pending = this.#pending.subarray(n);
        this.#chunkLeft -= n;
        if (this.#chunkLeft > 0) return null;
        this.#chunk = "crlf";
      }
      // The CRLF after a chunk's data.
      if (this.#pending.length < CRLF.length) return null;
      if (!this.#pending.subarray(0, CRLF.length).equals(CRLF)) throw new MalformedResponse("chunk data not followed by CRLF");
      this.#pending = this.#pending.subarray(CRLF.length);
      this.#chunk = "size";
    }
  }

  #take(bytes: Buffer): void {
    this.#bodyBytes += bytes.length;
    if (!this.#keep) return;
    if (this.#bodyBytes > this.maxBodyBytes) throw new TooBig();
    // A copy: the socket's buffer may be a slice of a larger one it reuses.
    this.#body.push(Buffer.from(bytes));
  }

  #complete(): Response {
    // Bytes after the response: the server answered what was not asked; the connection is not reused.
    if (this.#pending.length > 0) this.#reusable = false;
    return this.#response();
  }

  #response(): Response {
    const body = this.#keep ? Buffer.concat(this.#body).toString("utf8") : "";
    return { status: this.#status, headers: this.#headers, body, reusable: this.#reusable };
  }
}

class TooBig extends Error {}
