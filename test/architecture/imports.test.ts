/**
 * Keeps docs/architecture.md true: reads the imports of every file in src/
 * and checks the arrows between the parts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "../../src");

/** A file's imports: src-relative paths for our modules ("drift/fold.ts"), the specifier for packages ("node:fs"). */
function importsOf(text: string, file: string): string[] {
  const specifiers = [...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? "");
  return specifiers.map((s) => (s.startsWith(".") ? posix.normalize(posix.join(posix.dirname(file), s)).replace(/\.js$/, ".ts") : s));
}

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [relative(SRC, join(dir, e.name)).split("\\").join("/")] : [],
  );
}

const graph = new Map(sources().map((file) => [file, importsOf(readFileSync(join(SRC, file), "utf8"), file)]));
const under = (...parts: string[]) => (path: string) => parts.some((p) => path === p || path.startsWith(`${p}/`));

/** Every import from a file that `from` matches to a path that `to` matches, as "file -> import". */
function arrows(from: (file: string) => boolean, to: (imported: string) => boolean): string[] {
  return [...graph].flatMap(([file, imports]) => (from(file) ? imports.filter(to).map((i) => `${file} -> ${i}`) : []));
}

/** The composition roots that start the simulator: `rolewatch sim` and `rolewatch demo`. */
const SIM_USERS = under("sim", "cli/sim.ts", "demo");
const PUBLISH_SIDE = under("observe", "agent");
const SOURCES = under("imds", "aws");

describe("the imports of src/", () => {
  it("are read: a check that finds nothing checks nothing", () => {
    expect(graph.get("drift/fold.ts")).toContain("drift/transition.ts");
    expect(importsOf(`import type { A } from "../observe/x.js";\nexport { b } from "./y.js";\nimport "node:fs";`, "aws/z.ts")).toEqual(["observe/x.ts", "aws/y.ts", "node:fs"]);
  });

  it("the agent side never imports the simulator", () => {
    expect(arrows((f) => !SIM_USERS(f), under("sim"))).toEqual([]);
  });

  it("src/drift imports nothing but itself and src/errors.ts: no I/O, no clock, no source, no output", () => {
    expect(arrows(under("drift"), (i) => !under("drift", "errors.ts")(i))).toEqual([]);
  });

  it("the sources (src/imds, src/aws) import nothing from the publish side (src/observe, src/agent)", () => {
    expect(arrows(SOURCES, PUBLISH_SIDE)).toEqual([]);
  });

  it("a source imports no other source: the agent puts them together", () => {
    expect([...arrows(under("imds"), under("aws")), ...arrows(under("aws"), under("imds"))]).toEqual([]);
  });

  it("the account exporter (src/account) is imported only by its command and the outputs' types, and imports no agent and no fold", () => {
    expect(arrows((f) => !under("account", "cli/account.ts", "observe")(f), under("account"))).toEqual([]);
    expect(arrows(under("account"), under("agent", "drift"))).toEqual([]);
  });

  it("has no cycle in the agent, the fold, the sources, the account exporter and the publish side", () => {
    const owned = under("agent", "drift", "imds", "aws", "observe", "account");
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (file: string, path: string[]): void => {
      if (path.includes(file)) return void cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
      if (done.has(file)) return;
      for (const next of graph.get(file) ?? []) if (owned(next)) visit(next, [...path, file]);
      done.add(file);
    };
    for (const file of graph.keys()) if (owned(file)) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
