import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { cleanEnv, MAIN } from "../support/cli.js";
import { ARCH, shippedNode, UNIT_FLAGS } from "./shipped-node.js";

/** `rolewatch run` with NODE_OPTIONS, sent SIGUSR1 once it has started; then what it wrote to stderr, and its exit code. */
async function runAndSignal(node: string, nodeOptions: string, sim: Simulator): Promise<{ stderr: string; code: number | null }> {
  const args = [MAIN, "run", "--listen", "127.0.0.1:0", "--imds-endpoint", sim.imdsUrl, "--state-dir", mkdtempSync(join(tmpdir(), "rolewatch-flags-"))];
  // --inspect-port=0: where an inspector opens, on a port of its own, so that tests running at once do not collide.
  const child = spawn(node, args, { env: cleanEnv({ NODE_OPTIONS: `${nodeOptions} --inspect-port=0`, AWS_ENDPOINT_URL: sim.awsUrl }), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve) => createInterface({ input: child.stdout }).on("line", (l) => l.includes('"agent-started"') && resolve()));
  child.kill("SIGUSR1");
  // The inspector says so on stderr at once when it opens; give it ample time to.
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && !stderr.includes("Debugger listening")) await new Promise((r) => setTimeout(r, 50));
  child.kill("SIGTERM");
  return { stderr, code: await exited };
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
});
