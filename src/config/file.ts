/**
 * The YAML file layer: which options a config file sets, where, and what is
 * wrong with it (syntax, unknown keys). Values are checked by the caller, with
 * the same parsers as the environment and the flags.
 */
import type { Node, Pair, YAMLMap } from "yaml";
import { OPTIONS, type OptionKey } from "./options.js";
import { didYouMean } from "./suggest.js";

/** One value as written somewhere: `source` says where ("config.yaml:3", "--poll-interval"). */
export interface Setting {
  readonly key: OptionKey;
  readonly raw: unknown;
  readonly source: string;
}

export interface FileLayer {
  settings: Setting[];
  problems: string[];
}

const FILE_KEYS: ReadonlySet<string> = new Set(OPTIONS.filter((o) => o.inFile).map((o) => o.key));
/** "poll", "controlPlane": keys that hold a map of options. */
const SECTIONS: ReadonlySet<string> = new Set(
  [...FILE_KEYS].flatMap((key) => key.split(".").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("."))),
);
const KNOWN = [...SECTIONS, ...FILE_KEYS];

let parser: typeof import("yaml") | null = null;
/**
 * The YAML parser, loaded on the first file that sets anything: the file the
 * packages install is comments only, and a parser loaded at start would stay
 * in the daemon's memory for its life (3.3 MiB of RSS on Node 24 alone,
 * `npm run bench`). Through require: yaml's CommonJS build is the one Node uses.
 */
function yaml(): typeof import("yaml") {
  parser ??= process.getBuiltinModule("node:module").createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return parser;
}

/** Blank lines and comments only: a document that sets nothing, whatever a parser would say. */
function commentsOnly(text: string): boolean {
  return text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/).every((line) => /^[ \t]*(#.*)?$/.test(line));
}

export function readYamlSettings(text: string, file: string): FileLayer {
  if (commentsOnly(text)) return { settings: [], problems: [] };
  const { isMap, isScalar, LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (node: Node | null | undefined): string => {
    const at = node?.range?.[0];
    return at === undefined ? file : `${file}:${lines.linePos(at).line}`;
  };
  const layer: FileLayer = { settings: [], problems: [] };
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    layer.problems.push(`${file}:${line}:${col}: YAML syntax error: ${error.message}`);
  }
  // What yaml recovers from broken syntax would only add false problems.
  if (doc.errors.length > 0) return layer;
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return layer;
  if (!isMap(root)) {
    layer.problems.push(`${where(root)}: expected a map of settings (such as "poll:\\n  interval: 15s")`);
    return layer;
  }
  walk(root, "", layer, where);
  return layer;
}

function walk(map: YAMLMap, prefix: string, layer: FileLayer, where: (node: Node | null | undefined) => string): void {
  const { isMap, isNode, isScalar } = yaml();
  for (const pair of map.items as Pair<unknown, unknown>[]) {
    const keyNode = isNode(pair.key) ? pair.key : null;
    const name = isScalar(keyNode) ? String(keyNode.value) : showKey(pair.key);
    const key = prefix === "" ? name : `${prefix}.${name}`;
    const valueNode = isNode(pair.value) ? pair.value : null;
    const source = where(valueNode ?? keyNode);
    const value: unknown = isScalar(valueNode) ? valueNode.value : valueNode?.toJSON();
    if (value === null || value === undefined) continue; // `interval:` left empty: not set
    if (FILE_KEYS.has(key) && !name.includes(".")) {
      layer.settings.push({ key: key as OptionKey, raw: value, source });
    } else if (SECTIONS.has(key) && !name.includes(".")) {
      if (isMap(valueNode)) walk(valueNode, key, layer, where);
      else layer.problems.push(`${source}: ${key} must be a map of settings (${childrenOf(key)})`);
    } else {
      layer.problems.push(`${where(keyNode)}: unknown key ${key}${hint(key, name)}`);
    }
  }
}

function hint(key: string, name: string): string {
  if (name.includes(".") && (FILE_KEYS.has(key) || SECTIONS.has(key))) {
    const [section, ...rest] = name.split(".");
    return ` (keys are nested: write ${section}: { ${rest.join(".")}: … })`;
  }
  return didYouMean(key, KNOWN);
}

function childrenOf(section: string): string {
  const children = KNOWN.filter((k) => k.startsWith(`${section}.`) && !k.slice(section.length + 1).includes("."));
  return children.map((k) => k.slice(section.length + 1)).join(", ");
}

function showKey(key: unknown): string {
  return yaml().isNode(key) ? key.toString() : String(key);
}

// Not an ESM import: the ESM view of node:fs reads every export, fs.promises and its streams
// among them, which then stay loaded for the life of the daemon.
const { readFileSync } = process.getBuiltinModule("node:fs");

/** A file's text, or null when it does not exist. */
export function readFileOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
