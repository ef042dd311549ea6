import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { optionsMarkdown } from "../../src/config.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

function between(begin: string, end: string): string {
  const start = README.indexOf(begin);
  const stop = README.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README lacks ${begin} ... ${end}`);
  return README.slice(start + begin.length, stop).trim();
}

describe("the README", () => {
  it("shows the option table the code has (regenerate with: npm run readme)", () => {
    expect(between("<!-- options:begin -->", "<!-- options:end -->")).toBe(optionsMarkdown().trim());
  });

  it("opens with the two commands for a fresh machine, both npm scripts that exist", () => {
    const scripts = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> }).scripts;
    const block = README.split("```")[1] ?? "";
    const commands = [...block.matchAll(/npm ci && npm (?:run )?([\w:-]+)/g)].map((m) => m[1] ?? "");
    expect(commands).toHaveLength(2);
    for (const name of commands) expect(scripts).toHaveProperty(name);
  });
});
