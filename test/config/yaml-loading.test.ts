/**
 * The YAML parser is loaded only for a file that sets something: the file the
 * packages install is comments only, and a daemon would carry the parser for
 * its life after one read at start.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CONFIG = fileURLToPath(new URL("../../dist/config.js", import.meta.url));

/** loadConfig on `text` in a node of its own: the poll interval it read, and whether yaml was loaded. */
function load(text: string): { intervalMs: number; yamlLoaded: boolean } {
  const file = join(mkdtempSync(join(tmpdir(), "rolewatch-yaml-")), "config.yaml");
  writeFileSync(file, text);
  const script = `
    const { loadConfig } = await import(${JSON.stringify(CONFIG)});
    const { config } = loadConfig({ argv: ["--config", ${JSON.stringify(file)}], env: {} });
    const cache = process.getBuiltinModule("node:module").createRequire(import.meta.url).cache;
    process.stdout.write(JSON.stringify({ intervalMs: config.poll.intervalMs, yamlLoaded: Object.keys(cache).some((k) => k.includes("/node_modules/yaml/")) }));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { intervalMs: number; yamlLoaded: boolean };
}

describe("the config file's YAML parser", () => {
  it("is not loaded for a file of comments and blank lines, which sets nothing", () => {
    expect(load("\uFEFF# rolewatch configuration\n\n#poll:\n#  interval: 30s\n  # an indented comment\n\t# after a tab\r\n")).toEqual({ intervalMs: 15_000, yamlLoaded: false });
  });

  it("is loaded for a file that sets an option, and the option applies", () => {
    expect(load("# comment\npoll:\n  interval: 30s\n")).toEqual({ intervalMs: 30_000, yamlLoaded: true });
  });
});
