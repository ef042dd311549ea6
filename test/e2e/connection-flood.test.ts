import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { IAM_INFO_PATH } from "../../src/imds/paths.js";
import { eventsOf } from "../support/cli.js";
import { sample, startWatched, until, type Watched } from "../support/daemon.js";
import { findTool, requireTool } from "../support/require-tool.js";

const prlimit = findTool("prlimit", "apt-get install util-linux");

// Without the cap, FLOOD idle connections take more descriptors than FILES allows; with it, the
// server holds CAP of them, and CAP plus the 64 docs/contract.md asks for fits in FILES.
const FILES = 128;
const CAP = 32;
const FLOOD = CAP + 100;
const WINDOW_MS = 6_000;

type Scrape = { status: number; body: string } | { refused: string };

/** One request on a connection of its own (a kept-alive one would hold a slot of the cap). */
function scrapeOnce(url: string, path = "/metrics"): Promise<Scrape> {
  return new Promise((resolve) => {
    const req = request(url + path, { agent: false, timeout: 10_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("no answer and not closed in 10 s")));
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ refused: error.code ?? error.message }));
    req.end();
  });
}

interface Flood {
  sockets: Socket[];
  /** How many the server has closed; the test closes none before the end. */
  closed: () => number;
}

/** `count` connections that never finish a request: half send nothing, half half a request head. */
async function flood(port: number, count: number): Promise<Flood> {
  let closed = 0;
  const sockets = Array.from({ length: count }, (_, i) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {}); // a reset is a close here
    socket.on("close", () => closed++);
    if (i % 2 === 1) socket.once("connect", () => socket.write("GET /metrics HTTP/1.1\r\nHost: rolewatch\r\n"));
    return socket;
  });
  await Promise.all(sockets.map((s) => new Promise((resolve) => (s.readyState === "open" ? resolve(null) : s.once("connect", resolve).once("close", resolve)))));
  return { sockets, closed: () => closed };
}

/** When IMDS was asked for the IAM info, the first read of every poll, sampled every 50 ms. */
function watchPolls(w: Watched): { times: number[]; stop: () => void } {
  const times: number[] = [];
  let seen = w.sim.stats().reads[IAM_INFO_PATH] ?? 0;
  const timer = setInterval(() => {
    const now = w.sim.stats().reads[IAM_INFO_PATH] ?? 0;
    for (; seen < now; seen++) times.push(performance.now());
  }, 50);
  return { times, stop: () => clearInterval(timer) };
}

const descriptors = (pid: number | undefined) => readdirSync(`/proc/${pid}/fd`).length;

/** docs/contract.md, HTTP endpoints: a flood of idle connections takes no descriptor the polls need. */
describe("rolewatch run under a flood of idle connections", () => {
  let w: Watched | undefined;
  afterAll(async () => {
    await w?.agent.stop();
    await w?.sim.close();
  });

  it(`refuses scrapes beyond the cap while ${FLOOD} connections are held, polls on time, and reports IMDS truthfully`, async (ctx) => {
    requireTool(ctx, prlimit);
    w = await startWatched(["--http-max-connections", String(CAP)], ["prlimit", `--nofile=${FILES}:${FILES}`]);
    const watched = w;
    expect(readFileSync(`/proc/${watched.agent.pid}/limits`, "utf8")).toMatch(new RegExp(`^Max open files +${FILES} +${FILES} `, "m"));
    await until(async () => {
      const ready = await scrapeOnce(watched.url, "/readyz");
      return "status" in ready && ready.status === 200;
    }, 15_000, "ready");
    const port = Number(new URL(watched.url).port);

    const polls = watchPolls(watched);
    const attack = await flood(port, FLOOD);
    // The server holds CAP of them and closes the rest at once.
    await until(() => attack.closed() >= FLOOD - CAP, 10_000, `${FLOOD - CAP} connections closed`);
    const held = performance.now();
    for (let i = 0; i < 3; i++) expect(await scrapeOnce(watched.url)).toEqual({ refused: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) as unknown });
    expect(attack.closed()).toBe(FLOOD - CAP);
    const fds = descriptors(watched.agent.pid);
    expect(fds).toBeGreaterThan(CAP);
    expect(fds).toBeLessThanOrEqual(CAP + 64);

    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS - (performance.now() - held)));
    expect(attack.closed()).toBe(FLOOD - CAP); // the flood held through the window
    polls.stop();
    const during = polls.times.filter((t) => t >= held);
    const marks = [held, ...during, performance.now()];
    const gaps = marks.slice(1).map((t, i) => t - (marks[i] ?? t));
    expect(during.length).toBeGreaterThanOrEqual(4); // every second, with room for a busy machine
    expect(Math.max(...gaps)).toBeLessThan(3_000);

    // The server closes the connections that sent nothing, or half a head, by itself.
    await until(() => attack.closed() === FLOOD, 30_000, "the server to close the flood");
    const after = await scrapeOnce(watched.url);
    expect(after).toMatchObject({ status: 200 });
    expect("body" in after && sample(after.body, "rolewatch_imds_up")).toBe(1);
    expect(eventsOf(watched.agent, "imds-unavailable")).toEqual([]);
    expect(eventsOf(watched.agent, "poll-failed")).toEqual([]);
    expect(await watched.agent.stop()).toBe(0);
  }, 90_000);
});
