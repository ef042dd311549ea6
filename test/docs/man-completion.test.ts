import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NOT_READ_BY, OPTIONS } from "../../src/config.js";
import { findTool, requireTool } from "../support/require-tool.js";
import { BASH, commandDocs, MAN, ZSH, type CommandDoc } from "./reference/commands.js";
import { bashCompletion, zshCompletion } from "./reference/completion.js";
import { manPage } from "./reference/man.js";

/** packaging/man and packaging/completion must equal what the code says; `npm run docs` (DOCS_WRITE=1) rewrites them. */
const WRITE = process.env["DOCS_WRITE"] === "1";

const groff = findTool("groff", "apt-get install groff-base");
const mandoc = findTool("mandoc", "apt-get install mandoc");
const zsh = findTool("zsh", "apt-get install zsh");

let commands: CommandDoc[] = [];
beforeAll(async () => {
  commands = await commandDocs();
});

describe.each([
  ["packaging/man/rolewatch.1", MAN, () => manPage(commands)],
  ["packaging/completion/rolewatch.bash", BASH, () => bashCompletion(commands)],
  ["packaging/completion/_rolewatch", ZSH, () => zshCompletion(commands)],
])("%s", (_, path, generate) => {
  it("says what the code has (regenerate with: npm run docs)", () => {
    if (WRITE) writeFileSync(path, generate());
    expect(readFileSync(path, "utf8")).toBe(generate());
  });
});

describe("the man page", () => {
  it("renders with groff without a warning, and shows every command and option", (ctx) => {
    requireTool(ctx, groff);
    const out = spawnSync("groff", ["-man", "-Tutf8", "-ww", "-rLL=200n", MAN], { encoding: "utf8", env: { ...process.env, GROFF_NO_SGR: "1" } });
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    const text = out.stdout.replace(/.\x08/g, "");
    for (const c of commands) expect(text).toContain(`rolewatch ${c.name}`);
    for (const o of OPTIONS) expect(text, o.key).toMatch(new RegExp(`--(\\[no-\\])?${o.flag}\\b`));
    expect(text).toMatch(/EXIT STATUS[\s\S]*3\s+UNKNOWN/);
  });

  it("passes mandoc's lint, with the date the packages give it", (ctx) => {
    requireTool(ctx, mandoc);
    // The page leaves .TH's date empty; packaging/build-packages.sh writes the build's date there.
    const dated = join(mkdtempSync(join(tmpdir(), "rolewatch-man-")), "rolewatch.1");
    writeFileSync(dated, readFileSync(MAN, "utf8").replace(/^\.TH ROLEWATCH 1 ""/m, '.TH ROLEWATCH 1 "2026-12-01"'));
    const lint = spawnSync("mandoc", ["-Tlint", "-Wwarning", dated], { encoding: "utf8" });
    expect(lint.stdout + lint.stderr).toBe("");
  });
});

/** What bash offers after `words` (the last one being completed), as `complete -F` would call it. */
function bashOffers(words: string[]): string[] {
  const script = `source ${JSON.stringify(BASH)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(" ")}); COMP_CWORD=${words.length - 1}; _rolewatch; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = spawnSync("bash", ["--norc", "--noprofile", "-c", script], { encoding: "utf8" });
  expect(out.stderr).toBe("");
  return out.stdout.split("\n").filter((line) => line !== "");
}

describe("the bash completion", () => {
  it("registers itself for rolewatch", () => {
    const out = spawnSync("bash", ["--norc", "--noprofile", "-c", `source ${JSON.stringify(BASH)}; complete -p rolewatch`], { encoding: "utf8" });
    expect(out.stdout.trim()).toBe("complete -F _rolewatch rolewatch");
  });

  it("offers the commands, then each command's flags and only those it reads", () => {
    expect(bashOffers(["rolewatch", ""])).toEqual(expect.arrayContaining(commands.map((c) => c.name)));
    const run = bashOffers(["rolewatch", "run", "--"]);
    for (const o of OPTIONS.filter((o) => !NOT_READ_BY.run.includes(o.key as never))) expect(run, o.flag).toContain(`--${o.flag}`);
    const check = bashOffers(["rolewatch", "check", "--"]);
    expect(check).toContain("--json");
    expect(check).not.toContain("--poll-interval");
    expect(bashOffers(["rolewatch", "run", "--imds-allow"])).toEqual(["--imds-allow-v1"]);
    expect(bashOffers(["rolewatch", "run", "--no-imds"])).toEqual(["--no-imds-allow-v1"]);
    expect(bashOffers(["rolewatch", "sim", "--sce"])).toEqual(["--scenario"]);
  });

  it("offers a command's verbs, a flag's few values, and files for a path", () => {
    expect(bashOffers(["rolewatch", "config", ""])).toEqual(["check", "show"]);
    expect(bashOffers(["rolewatch", "run", "--log-level", ""])).toEqual(["fatal", "error", "warn", "info", "debug"]);
    expect(bashOffers(["rolewatch", "account", "--account-credentials", "i"])).toEqual(["imds"]);
    const dir = mkdtempSync(join(tmpdir(), "rolewatch-complete-"));
    writeFileSync(join(dir, "scenario.yml"), "");
    expect(bashOffers(["rolewatch", "sim", "--scenario", `${dir}/sc`])).toEqual([`${dir}/scenario.yml`]);
  });
});

describe("the zsh completion", () => {
  it("is valid zsh that compinit files under rolewatch", (ctx) => {
    requireTool(ctx, zsh);
    expect(spawnSync("zsh", ["-n", ZSH], { encoding: "utf8" }).stderr).toBe("");
    const dir = mkdtempSync(join(tmpdir(), "rolewatch-zsh-"));
    writeFileSync(join(dir, "_rolewatch"), readFileSync(ZSH));
    const script = `fpath=(${dir} $fpath); autoload -Uz compinit; compinit -u -d ${dir}/zcompdump; print -r -- $_comps[rolewatch]`;
    const out = spawnSync("zsh", ["-f", "-c", script], { encoding: "utf8" });
    expect(out.stdout.trim()).toBe("_rolewatch");
  });

  it("names every command and every flag each takes", () => {
    const text = readFileSync(ZSH, "utf8");
    for (const c of commands) {
      const section = text.slice(text.indexOf(`    ${c.name}) _arguments`));
      expect(text).toContain(`'${c.name}:`);
      for (const f of c.flags) expect(section.split(" ;;")[0], `${c.name} --${f.name}`).toContain(`'--${f.name}`);
    }
  });
});
