import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, OPTIONS } from "../../src/config.js";
import { rolewatch } from "../support/cli.js";
import { REPO } from "./packages.js";

// What packaging/config-yaml.mjs writes to /etc/rolewatch/config.yaml of the packages.
const shipped = execFileSync(process.execPath, [join(REPO, "packaging/config-yaml.mjs")], { encoding: "utf8" });
// Its documented way to set an option: remove the "#" before the option's and its section's line.
const uncommented = shipped.replace(/^#(?=\S|  )/gm, "");

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "rolewatch-config-")), "config.yaml");
  writeFileSync(path, text);
  return path;
}

const resolved = (path: string) => ({ ...loadConfig({ argv: ["--config", path], env: {} }).config, configFile: null });
const defaults = loadConfig({ argv: [], env: {}, readFile: () => null }).config;

describe("the packages' /etc/rolewatch/config.yaml", () => {
  it("sets nothing as shipped, and passes rolewatch config check", async () => {
    expect(resolved(file(shipped))).toEqual(defaults);
    const check = await rolewatch(["config", "check", file(shipped)]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
  });

  it("documents every option the file can set: uncommented, each is set to its default", async () => {
    const path = file(uncommented);
    const check = await rolewatch(["config", "check", path]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(resolved(path)).toEqual(defaults);
    for (const option of OPTIONS.filter((o) => o.inFile)) {
      expect(uncommented).toMatch(new RegExp(`^ *${option.key.split(".").at(-1)}:`, "m"));
    }
  });
});
