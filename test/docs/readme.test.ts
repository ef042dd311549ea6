import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { optionsMarkdown } from "../../src/config.js";
import { KNOWN_DIFFERENCES } from "../sim/aws/moto-differences.js";
import { agentLines } from "./reference/event-samples.js";

/**
 * The README's generated blocks must equal what the code says. `npm run
 * readme` (README_WRITE=1) rewrites them instead of failing.
 */
const FILE = new URL("../../README.md", import.meta.url);
const WRITE = process.env["README_WRITE"] === "1";

function motoMarkdown(): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const rows = KNOWN_DIFFERENCES.map((d) => `| ${cell(d.step)} | \`${d.path}\` | \`${cell(d.moto)}\` | \`${cell(d.sim)}\` | ${cell(d.reason)} |`);
  return ["| aws CLI step | field | moto_server | rolewatch sim | why |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** The agent's drift-detected line, as its event function writes it. */
function driftEvent(): string {
  const line = agentLines().find((l) => (l["event"] as Record<string, unknown>)["action"] === "drift-detected");
  return ["```json", JSON.stringify(line), "```"].join("\n");
}

const BLOCKS: [string, () => string][] = [
  ["options", optionsMarkdown],
  ["moto", motoMarkdown],
  ["event", driftEvent],
];

function block(text: string, name: string): RegExp {
  if (!text.includes(`<!-- ${name}:begin -->`)) throw new Error(`README lacks the ${name} block`);
  return new RegExp(`(<!-- ${name}:begin -->)[\\s\\S]*(<!-- ${name}:end -->)`);
}

describe("the README", () => {
  it.each(BLOCKS)("shows the %s table the code has (regenerate with: npm run readme)", (name, generate) => {
    const readme = readFileSync(FILE, "utf8");
    const expected = `<!-- ${name}:begin -->\n${generate().trim()}\n<!-- ${name}:end -->`;
    if (WRITE) writeFileSync(FILE, readme.replace(block(readme, name), expected));
    expect(readFileSync(FILE, "utf8").match(block(readme, name))?.[0]).toBe(expected);
  });

  it("opens with the two commands for a fresh machine, both npm scripts that exist", () => {
    const readme = readFileSync(FILE, "utf8");
    const scripts = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> }).scripts;
    const first = readme.split("```")[1] ?? "";
    const commands = [...first.matchAll(/npm ci && npm (?:run )?([\w:-]+)/g)].map((m) => m[1] ?? "");
    expect(commands).toEqual(["demo", "test"]);
    for (const name of commands) expect(scripts).toHaveProperty(name);
  });
});
