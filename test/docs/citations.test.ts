import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|mjs|sh)$/.test(name) ? [path] : [];
  });
}

const FILES = [...sources(join(ROOT, "src")), join(ROOT, "README.md")];

describe("the project's citations", () => {
  it("name no notes outside the repository (SPEC, PROTOCOL.md, the seed file)", () => {
    const stray = FILES.flatMap((path) =>
      readFileSync(path, "utf8")
        .split("\n")
        .map((line, i) => ({ where: `${relative(ROOT, path)}:${i + 1}`, line }))
        .filter(({ line }) => /\bSPEC\b|PROTOCOL\.md|seed\/000|\.\.\/shared/.test(line)),
    );
    expect(stray).toEqual([]);
  });

  // A URL's own docs/ path (…/exporter-toolkit/blob/master/docs/web-configuration.md) is not one of ours.
  it("of docs/ name files that exist, and sections those files have", () => {
    const missing: string[] = [];
    for (const path of FILES) {
      for (const [, file, section] of readFileSync(path, "utf8").matchAll(/(?<![/\w])(docs\/[\w-]+\.md)(?:, ([A-Z][\w/ -]*[\w]))?/g)) {
        if (file === undefined || !existsSync(join(ROOT, file))) {
          missing.push(`${relative(ROOT, path)}: ${file}`);
          continue;
        }
        const headings = readFileSync(join(ROOT, file), "utf8").split("\n").filter((l) => l.startsWith("#")).map((l) => l.replace(/^#+ /, ""));
        // A section is cited by its heading's first words ("docs/wire.md, Query errors for STS and IAM").
        if (section !== undefined && !headings.some((h) => section.startsWith(h))) missing.push(`${relative(ROOT, path)}: ${file}, ${section}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
