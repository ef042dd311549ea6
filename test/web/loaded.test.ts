/**
 * What `rolewatch run` loads for --web-config-file: its parser (yaml), bcrypt
 * and node:http2 are loaded only when a file is given. Loaded, a module stays
 * in the daemon's memory for its life (docs/contract.md, Quality bars).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { hashOf } from "../support/certs.js";
import { cleanEnv, startRolewatch } from "../support/cli.js";

/** Preloaded into `run`: records each module the ESM loader loads, and the builtins loaded, when the process exits. */
const PRELOAD = `
import { register } from "node:module";
import { writeFileSync } from "node:fs";
const loaded = [];
const { port1, port2 } = new MessageChannel();
port1.on("message", (url) => loaded.push(url));
port1.unref();
register("data:text/javascript," + encodeURIComponent(\`
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }
\`), { data: { port: port2 }, transferList: [port2] });
process.on("exit", () => writeFileSync(process.env.LOADED_FILE, JSON.stringify({ loaded, builtins: process.moduleLoadList })));
`;

let dir = "";
let sim: Simulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rolewatch-loaded-"));
  writeFileSync(join(dir, "preload.mjs"), PRELOAD);
  sim = await startSimulator({});
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The modules a `run` loaded by the time it had polled once and was stopped. */
async function loadedBy(flags: string[]): Promise<{ modules: string[]; builtins: string[] }> {
  const file = join(dir, `loaded-${flags.length}.json`);
  const env = cleanEnv({ NODE_OPTIONS: `--import=${pathToFileURL(join(dir, "preload.mjs")).href}`, LOADED_FILE: file });
  const daemon = startRolewatch(["run", "--listen", "127.0.0.1:0", "--imds-endpoint", sim.imdsUrl, "--state-dir", mkdtempSync(join(dir, "state-")), ...flags], env);
  await daemon.waitForLine((line) => line.includes('"agent-started"'), 20_000);
  expect(await daemon.stop()).toBe(0);
  const { loaded, builtins } = JSON.parse(readFileSync(file, "utf8")) as { loaded: string[]; builtins: string[] };
  return { modules: loaded, builtins: builtins.filter((b) => b.startsWith("NativeModule ")).map((b) => b.slice("NativeModule ".length)) };
}

const WEB_ONLY = /\/node_modules\/(?:yaml|bcryptjs)\/|\/dist\/web\/(?:watch|load|parse|auth|schema)\.js$/;

describe("the web configuration's modules", () => {
  it("are not loaded by `run` without --web-config-file; node:http2 neither", async () => {
    const { modules, builtins } = await loadedBy([]);
    expect(modules.some((m) => m.endsWith("/dist/cli/run.js"))).toBe(true); // the record is read
    expect(modules.filter((m) => WEB_ONLY.test(m))).toEqual([]);
    expect(builtins).toContain("https");
    expect(builtins).not.toContain("http2");
  }, 60_000);

  it("are loaded for a --web-config-file, as its basic auth needs them", async () => {
    const file = join(dir, "web.yml");
    writeFileSync(file, `basic_auth_users:\n  prometheus: "${hashOf("right")}"\n`);
    const { modules } = await loadedBy(["--web-config-file", file]);
    expect(modules.filter((m) => /\/node_modules\/(?:yaml|bcryptjs)\//.test(m)).length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
