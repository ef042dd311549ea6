import { describe, expect, it } from "vitest";
import { GROUPS, OPTIONS as TABLE, optionsHelp, optionsMarkdown, parseFlags, type FlagSpecs, type OptionSpec } from "../../src/config.js";

const OPTIONS: readonly OptionSpec[] = TABLE;

const help = optionsHelp();
const markdown = optionsMarkdown();
const usage = (o: OptionSpec) => (o.parser.kind === "switch" ? `--[no-]${o.flag}` : `--${o.flag} ${o.parser.metavar}`);

describe("optionsHelp", () => {
  it.each(OPTIONS.map((o) => [o.key, o] as const))("shows %s with its flag, env vars, default and help", (_key, o) => {
    expect(help).toContain(`  ${usage(o)}`);
    for (const name of o.env) expect(help).toContain(name);
    expect(help.replace(/\s+/g, " ")).toContain(`default: ${o.defaultText ?? o.parser.format(o.default)}`);
    expect(help.replace(/\s+/g, " ")).toContain(o.help);
  });

  it("lists the options under their groups, in the table's order", () => {
    const positions = OPTIONS.map((o) => help.indexOf(`  ${usage(o)}`));
    const grouped = GROUPS.flatMap((g) => OPTIONS.filter((o) => o.group === g.id).map((o) => help.indexOf(`  ${usage(o)}`)));
    expect(grouped).toEqual([...positions].sort((a, b) => a - b));
    for (const group of GROUPS) expect(help).toContain(`${group.title}:\n`);
  });

  it("aligns the help text of every flag in one column, within 80 columns", () => {
    const lines = help.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    const starts = lines.filter((l) => l.startsWith("  --") && /\S\s{2,}\S/.test(l)).map((l) => l.search(/(?<=\S\s{2,})\S/));
    expect(new Set(starts).size).toBe(1);
  });

  it("says why IMDSv1 fallback is off by default", () => {
    expect(help.replace(/\s+/g, " ")).toMatch(/--\[no-\]imds-allow-v1 Fall back to IMDSv1 .* Off by default: a silent fallback/);
  });
});

describe("optionsMarkdown", () => {
  const rows = markdown.trim().split("\n");

  it("has a header and one row per option", () => {
    expect(rows[0]).toBe("| Key | Flag | Environment | Default | Meaning |");
    expect(rows).toHaveLength(OPTIONS.length + 2);
  });

  it.each(OPTIONS.map((o, i) => [o.key, o, i] as const))("has a row for %s with its flag and env vars", (_key, o, i) => {
    const row = rows[i + 2] ?? "";
    expect(row).toContain(`\`${usage(o)}\``);
    for (const name of o.env) expect(row).toContain(`\`${name}\``);
    if (o.inFile) expect(row.startsWith(`| \`${o.key}\` |`)).toBe(true);
    expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
  });
});

describe("the table", () => {
  it("gives every option a distinct key, flag and env vars", () => {
    const distinct = (values: string[]) => new Set(values).size === values.length;
    expect(distinct(OPTIONS.map((o) => o.key))).toBe(true);
    expect(distinct(OPTIONS.map((o) => o.flag))).toBe(true);
    expect(distinct(OPTIONS.flatMap((o) => o.env))).toBe(true);
  });

  it("names every option's first env var after its key: controlPlane.interval is ROLEWATCH_CONTROL_PLANE_INTERVAL", () => {
    for (const o of OPTIONS) {
      const snake = o.key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replaceAll(".", "_").toUpperCase();
      expect(o.env[0]).toBe(`ROLEWATCH_${snake}`);
    }
  });

  it("has defaults that its own parsers accept", () => {
    for (const o of OPTIONS) {
      const text = o.parser.format(o.default);
      if (o.default !== null) expect(o.parser.parse(text)).toEqual({ ok: true, value: o.default });
    }
  });

  it("has flags that parseFlags reads in every documented form", () => {
    const specs: FlagSpecs = Object.fromEntries(OPTIONS.map((o) => [o.flag, { parser: o.parser }]));
    // Options with no default value, by what they take.
    const samples: Record<string, string> = { REGION: "us-east-1", URL: "http://127.0.0.1:4566/", SOURCE: "environment", FILE: "/etc/rolewatch/web.yml" };
    for (const o of OPTIONS) {
      const text = o.default === null ? (samples[o.parser.metavar] ?? "") : o.parser.format(o.default);
      expect(parseFlags([`--${o.flag}=${text}`], specs).problems).toEqual([]);
    }
  });
});
