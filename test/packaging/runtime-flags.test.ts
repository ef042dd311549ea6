import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUERY_DEFAULTS } from "../../src/aws/query.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, MAIN } from "../support/cli.js";
import { ARCH, shippedNode, UNIT_FLAGS } from "./shipped-node.js";

interface UnitRun {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Its agent-started line; rejected if it exits first. */
  started: Promise<string>;
}

/** `rolewatch run` on `node` with NODE_OPTIONS `nodeOptions`, against the simulator, with `flags` besides. */
function startRun(node: string, nodeOptions: string, sim: Simulator, flags: string[] = []): UnitRun {
  const args = [MAIN, "run", "--listen", "127.0.0.1:0", "--imds-endpoint", sim.imdsUrl, "--state-dir", mkdtempSync(join(tmpdir(), "rolewatch-flags-")), ...flags];
  const child = spawn(node, args, { env: cleanEnv({ NODE_OPTIONS: nodeOptions, AWS_ENDPOINT_URL: sim.awsUrl }), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const started = Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout }).on("line", (l) => l.includes('"agent-started"') && resolve(l))),
    exited.then((code) => Promise.reject(new Error(`rolewatch run exited ${code} before it started: ${stderr}`))),
  ]);
  return { child, stderr: () => stderr, exited, started };
}

/** `rolewatch run` with NODE_OPTIONS, sent SIGUSR1 once it has started; then what it wrote to stderr, and its exit code. */
async function runAndSignal(node: string, nodeOptions: string, sim: Simulator): Promise<{ stderr: string; code: number | null }> {
  // --inspect-port=0: where an inspector opens, on a port of its own, so that tests running at once do not collide.
  const run = startRun(node, `${nodeOptions} --inspect-port=0`, sim);
  await run.started;
  run.child.kill("SIGUSR1");
  // The inspector says so on stderr at once when it opens; give it ample time to.
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && !run.stderr().includes("Debugger listening")) await new Promise((r) => setTimeout(r, 50));
  run.child.kill("SIGTERM");
  return { stderr: run.stderr(), code: await run.exited };
}

const READS = 6;

/**
 * IAM in front of the simulator's: each GetInstanceProfile answer padded, in
 * the role's URL-encoded trust policy, to a few KiB under the agent's cap on
 * an AWS answer, the largest the agent ever holds.
 */
async function paddedIam(awsUrl: string): Promise<{ url: string; served: () => number; server: Server }> {
  let served = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // The request as signed: its Host header is part of the signature.
      const upstream = request(new URL(req.url ?? "/", awsUrl), { method: req.method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (c: Buffer) => parts.push(c));
        answer.on("end", () => {
          let body = Buffer.concat(parts).toString("utf8");
          if (body.includes("</AssumeRolePolicyDocument>")) {
            const pad = "%20".repeat(Math.floor((QUERY_DEFAULTS.maxBodyBytes - 4096 - Buffer.byteLength(body)) / 3));
            body = body.replace("</AssumeRolePolicyDocument>", `${pad}</AssumeRolePolicyDocument>`);
            served++;
          }
          const headers = { ...answer.headers };
          delete headers["content-length"];
          delete headers["transfer-encoding"];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served: () => served, server };
}

describe("the unit's node flags, on the runtime the packages bring", () => {
  let node = "";
  let sim: Simulator;
  beforeAll(async () => {
    if (ARCH === undefined) return;
    node = shippedNode(ARCH);
    sim = await startSimulator({ awsPort: 0 });
  }, 300_000);
  afterAll(() => sim?.close());

  it("keep SIGUSR1 from opening the inspector, where any local user could run code inside the daemon", async (ctx) => {
    if (ARCH === undefined) return ctx.skip(`no Node.js package for ${process.arch}`);
    expect(UNIT_FLAGS).toContain("--disable-sigusr1");
    const without = await runAndSignal(node, "--jitless", sim);
    expect(without.stderr).toContain("Debugger listening on ws://127.0.0.1:"); // what the flag prevents
    const unit = await runAndSignal(node, UNIT_FLAGS, sim);
    expect(unit.stderr).not.toContain("Debugger listening");
    expect(unit.code).toBe(0); // still running when told to stop: SIGUSR1 did not end it either
  });

  it(`hold, in their heap limits, ${READS} IAM answers at the cap on an AWS answer, each read after a rotation`, async (ctx) => {
    if (ARCH === undefined) return ctx.skip(`no Node.js package for ${process.arch}`);
    expect(UNIT_FLAGS).toMatch(/--max-old-space-size=\d+/);
    const iam = await paddedIam(sim.awsUrl);
    const { child, stderr, exited, started: startedLine } = startRun(node, UNIT_FLAGS, sim, ["--poll-interval", "1s", "--aws-iam-endpoint", iam.url]);
    try {
      const started = await startedLine;
      const url = (JSON.parse(started) as { rolewatch: { config: { http: { url: string } } } }).rolewatch.config.http.url;
      const okReads = async () => Number(/^rolewatch_control_plane_requests_total\{api="iam",outcome="ok"\} (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);
      for (let i = 1; i <= READS; i++) {
        // A new AccessKeyId is a change in IMDS, and a change triggers a read of the profile.
        if (i > 1) await fetch(`${sim.imdsUrl}/rolewatch-sim/rotate`, { method: "POST" });
        const deadline = Date.now() + 20_000;
        while ((await okReads()) < i && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(child.exitCode, stderr()).toBeNull();
        expect(await okReads(), (await (await fetch(`${url}/metrics`)).text()).split("\n").filter((l) => l.includes("control_plane_requests")).join("\n") + stderr()).toBeGreaterThanOrEqual(i);
      }
      expect(iam.served()).toBeGreaterThanOrEqual(READS);
    } finally {
      child.kill("SIGTERM");
      await exited;
      iam.server.close();
    }
    expect(stderr()).not.toMatch(/heap out of memory/i);
  }, 180_000);
});
