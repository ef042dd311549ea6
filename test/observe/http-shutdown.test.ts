import { Agent, request } from "node:http";
import { expect, it } from "vitest";
import { startHttpServer } from "../../src/observe/http.js";

// Its own file, so that no socket of another test is still closing when it counts.
const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;

function get(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => res.resume().on("end", resolve)).on("error", reject).end();
  });
}

it("closes at once with an idle keep-alive connection open, and leaves no socket behind", async () => {
  const before = tcpHandles();
  const server = await startHttpServer({ host: "127.0.0.1", port: 0, metrics: async () => "", ready: () => true, status: () => null });
  const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
  await get(`${server.url}/healthz`, agent);
  const idle = Object.values(agent.freeSockets).flat();
  expect(idle).toHaveLength(1);
  const clientClosed = new Promise((resolve) => idle[0]?.once("close", resolve));

  const started = performance.now();
  await server.close();
  await clientClosed;
  expect(performance.now() - started).toBeLessThan(5_000); // not the 60 s the idle connection would keep it
  agent.destroy();
  expect(tcpHandles()).toBe(before);
});

it("closes at once while a scrape is still in flight, ending that request", async () => {
  const before = tcpHandles();
  let collecting!: () => void;
  const started = new Promise<void>((resolve) => (collecting = resolve));
  const server = await startHttpServer({
    host: "127.0.0.1", port: 0, ready: () => true, status: () => null,
    metrics: () => {
      collecting();
      return new Promise<string>(() => {}); // a collector that never answers
    },
  });
  const req = request(`${server.url}/metrics`);
  const scrape = new Promise((resolve, reject) => req.on("response", resolve).on("error", reject));
  const clientClosed = new Promise((resolve) => req.on("socket", (socket) => socket.once("close", resolve)));
  req.end();
  await started;
  await server.close();
  await expect(scrape).rejects.toThrow(/socket hang up/);
  await clientClosed;
  expect(tcpHandles()).toBe(before);
});
