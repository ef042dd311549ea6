#!/usr/bin/env node
/**
 * The least any Node.js poller of IMDS pays, for the benchmark's memory
 * table: the builtins such an agent cannot do without (node:http for its
 * metrics endpoint, node:https and node:crypto for signed AWS calls), an idle
 * HTTP server, and every PACE_MS the three GETs of a poll, written and read
 * by hand, nothing parsed; each on a connection of its own, as IMDS closes
 * every one after its answer (Connection: close). No library, no rolewatch code.
 * Child process of test/bench/daemon.mjs; not for people.
 *
 *   node test/bench/floor.mjs IMDS_URL CYCLES PACE_MS
 *
 * Prints "done" and the CPU time of each poll (user + system, microseconds,
 * as JSON) once its polls are done, then idles until killed.
 */
const { createServer } = process.getBuiltinModule("node:http");
process.getBuiltinModule("node:https");
const { createHmac } = process.getBuiltinModule("node:crypto");
const { connect } = process.getBuiltinModule("node:net");

const [url, cycles, pace] = process.argv.slice(2);
const { hostname, port, host } = new URL(url);
const PATHS = ["/latest/meta-data/iam/info", "/latest/meta-data/iam/security-credentials/", "/latest/meta-data/iam/security-credentials/RedRole"];

createServer((req, res) => res.end()).listen(0, "127.0.0.1");

/** One request on a connection of its own; the answer's body, read to its Content-Length. */
function exchange(request) {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let pending = "";
    let body = null;
    socket.setEncoding("latin1");
    socket.write(request);
    socket.on("data", (text) => {
      pending += text;
      const end = pending.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
      if (pending.length < end + 4 + length) return;
      body = pending.slice(end + 4, end + 4 + length);
      socket.destroy();
    });
    socket.on("close", () => (body === null ? reject(new Error("no answer")) : resolve(body)));
    socket.on("error", reject);
  });
}

const token = await exchange(`PUT /latest/api/token HTTP/1.1\r\nHost: ${host}\r\nX-aws-ec2-metadata-token-ttl-seconds: 21600\r\nContent-Length: 0\r\n\r\n`);
const gets = PATHS.map((path) => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nX-aws-ec2-metadata-token: ${token}\r\n\r\n`);
const cpuMicros = [];
for (let i = 0; i < Number(cycles); i++) {
  const before = process.cpuUsage();
  let credentials = "";
  for (const get of gets) credentials = await exchange(get);
  createHmac("sha256", credentials ?? "").update(String(i)).digest("hex");
  const used = process.cpuUsage(before);
  cpuMicros.push(used.user + used.system);
  await new Promise((resolve) => setTimeout(resolve, Number(pace)));
}
process.stdout.write(`done ${JSON.stringify(cpuMicros)}\n`);
setInterval(() => {}, 1e9);
