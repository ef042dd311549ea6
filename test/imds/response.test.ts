import { describe, expect, it } from "vitest";
import { MAX_HEAD_BYTES, MalformedResponse, ResponseReader, type Response } from "../../src/imds/response.js";

/** Feeds `text` to a reader in pieces of `size` bytes; the response, "too-big", or null if more was needed. */
function read(text: string, { size = text.length, max = 1024, end = false } = {}): Response | "too-big" | null {
  const reader = new ResponseReader(max);
  const bytes = Buffer.from(text, "latin1");
  for (let at = 0; at < bytes.length; at += size) {
    const answer = reader.push(bytes.subarray(at, at + size));
    if (answer !== null) return answer;
  }
  return end ? reader.end() : null;
}

const OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nRedRole";
const CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nRed\r\n4;ext=1\r\nRole\r\n0\r\nX-Trailer: t\r\n\r\n";

describe("ResponseReader", () => {
  it.each([1, 2, 5, 1000])("reads a Content-Length body, in pieces of %i bytes", (size) => {
    expect(read(OK, { size })).toEqual({ status: 200, headers: { "content-type": "text/plain", "content-length": "7" }, body: "RedRole", reusable: true });
  });

  it.each([1, 3, 1000])("reads a chunked body with an extension and a trailer, in pieces of %i bytes", (size) => {
    expect(read(CHUNKED, { size })).toMatchObject({ status: 200, body: "RedRole", reusable: true });
  });

  it("waits for the rest of a body", () => {
    expect(read(OK.slice(0, -1))).toBeNull();
    expect(read(CHUNKED.slice(0, -2))).toBeNull();
  });

  it("reads a body framed by the end of the connection, which cannot be reused", () => {
    const text = "HTTP/1.1 200 OK\r\n\r\nRedRole";
    expect(read(text)).toBeNull();
    expect(read(text, { end: true })).toMatchObject({ body: "RedRole", reusable: false });
  });

  it("calls a response cut short, before its length or its last chunk, null at the end", () => {
    expect(read(OK.slice(0, -2), { end: true })).toBeNull();
    expect(read(CHUNKED.slice(0, 60), { end: true })).toBeNull();
  });

  it("keeps no body but a 200's, and still finds where it ends", () => {
    expect(read("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")).toMatchObject({ status: 404, body: "" });
    expect(read("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")).toMatchObject({ status: 401, body: "", reusable: true });
  });

  it("skips an interim 100 Continue", () => {
    expect(read(`HTTP/1.1 100 Continue\r\n\r\n${OK}`)).toMatchObject({ status: 200, body: "RedRole" });
  });

  it("marks the connection closed by Connection: close, by HTTP/1.0, or by bytes nobody asked for", () => {
    expect(read(OK.replace("Content-Type", "Connection: close\r\nContent-Type"))).toMatchObject({ reusable: false });
    expect(read(OK.replace("HTTP/1.1", "HTTP/1.0"))).toMatchObject({ reusable: false });
    expect(read(OK.replace("HTTP/1.1", "HTTP/1.0").replace("Content-Type", "Connection: keep-alive\r\nContent-Type"))).toMatchObject({ reusable: true });
    expect(read(`${OK}HTTP/1.1`)).toMatchObject({ body: "RedRole", reusable: false });
  });

  it("joins repeated headers, with names in lower case", () => {
    expect(read("HTTP/1.1 204 No Content\r\nX-A: 1\r\nx-a: 2\r\n\r\n")).toMatchObject({ status: 204, headers: { "x-a": "1, 2" } });
  });

  it("keeps obs-text in a header value as Latin-1 and reads the body as UTF-8", () => {
    const body = Buffer.from("Rôle", "utf8").toString("latin1");
    expect(read(`HTTP/1.1 200 OK\r\nX-Note: caf\xe9\r\nContent-Length: 5\r\n\r\n${body}`)).toMatchObject({ headers: { "x-note": "café" }, body: "Rôle" });
  });

  it("stops at a 200 body over the cap, in many small chunks", () => {
    expect(read(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"1\r\na\r\n".repeat(2000)}`, { size: 64, max: 1000 })).toBe("too-big");
  });

  it("stops at a 200 body over the cap, declared or streamed", () => {
    expect(read("HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n")).toBe("too-big");
    expect(read(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"400\r\n" + "a".repeat(0x400) + "\r\n"}`, { max: 1000 })).toBe("too-big");
  });

  it("drops an error body of any size without keeping it", () => {
    expect(read(`HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5000\r\n\r\n${"e".repeat(5000)}`, { size: 512, max: 100 })).toMatchObject({ status: 500, body: "" });
  });

  it.each([
    ["a status line that is not HTTP", "SSH-2.0-OpenSSH\r\n\r\n"],
    ["a header line without a colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n"],
    ["a Content-Length that is not a number", "HTTP/1.1 200 OK\r\nContent-Length: 7x\r\n\r\n"],
    ["a chunk size that is not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
    ["chunk data longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n"],
    ["a head over the size limit", `HTTP/1.1 200 OK\r\nX: ${"a".repeat(MAX_HEAD_BYTES)}\r\n`],
    ["a protocol switch", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"],
    ["two Content-Lengths, even equal ones", "HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\nRedRole"],
    ["a Content-Length with a sign", "HTTP/1.1 200 OK\r\nContent-Length: +7\r\n\r\nRedRole"],
    ["a negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"],
    ["Content-Length and Transfer-Encoding both", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"],
    ["a space before a header's colon", "HTTP/1.1 200 OK\r\nContent-Length : 7\r\n\r\nRedRole"],
    ["a header line folded onto the one before", "HTTP/1.1 200 OK\r\nX-A: 1\r\n X-B: 2\r\nContent-Length: 0\r\n\r\n"],
    ["a bare line feed inside the head", "HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 7\r\n\r\nRedRole"],
    ["a NUL in a header value", "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 0\r\n\r\n"],
    ["a chunk size over 8 hex digits", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000000\r\n"],
    ["trailers over the head's size limit", `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${"X-T: aaaaaaaaaaaaaaaaaaaa\r\n".repeat(1000)}`],
  ])("refuses %s", (_, text) => {
    expect(() => read(text)).toThrow(MalformedResponse);
  });
});
