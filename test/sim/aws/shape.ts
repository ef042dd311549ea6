/**
 * The shape of an aws CLI JSON output, for comparing two AWS implementations
 * whose ids, accounts and times differ by nature: every leaf is listed under
 * its path, with ids, account numbers and dates replaced by their format.
 */

/** Formats of generated values, in the order they are tried; each replaces what it matches by its label. */
const FORMATS: readonly [RegExp, (match: string, ...groups: string[]) => string][] = [
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, (_m, fraction = "") => `<date${fraction ? `.${fraction.length - 1}digits` : ""}>`],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, () => "<uuid>"],
  [/\b(AROA|AIPA|AIDA|AKIA|ASIA)[A-Z0-9]+\b/g, (m, prefix = "") => `<${prefix}+${m.length - prefix.length}>`],
  [/\b(iip-assoc|i|ami|r)-([0-9a-f]+)\b/g, (_m, prefix = "", hex = "") => `<${prefix}-hex${hex.length}>`],
  [/(?<=:)\d{12}(?=:)|^\d{12}$/g, () => "<account>"],
  [/^[a-z0-9]{16,}$/g, (m) => `<lower-alnum${m.length}>`],
];

export function formatOf(value: unknown): string {
  if (typeof value !== "string") return JSON.stringify(value);
  return FORMATS.reduce((text, [pattern, label]) => text.replace(pattern, label as (m: string, ...g: string[]) => string), value);
}

/** Every leaf as `path -> format`; an empty object or list is a leaf too, so that its presence counts. */
export function shapeOf(value: unknown, path = ""): Map<string, string> {
  const shape = new Map<string, string>();
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) {
      if (v.length === 0) shape.set(at, "[]");
      v.forEach((item, i) => walk(item, `${at}[${i}]`));
    } else if (typeof v === "object" && v !== null) {
      const entries = Object.entries(v);
      if (entries.length === 0) shape.set(at, "{}");
      for (const [key, child] of entries) walk(child, at ? `${at}.${key}` : key);
    } else {
      shape.set(at, formatOf(v));
    }
  };
  walk(value, path);
  return shape;
}

export interface Difference {
  step: string;
  path: string;
  /** The format moto shows, or "absent". */
  moto: string;
  /** The format the simulator shows, or "absent". */
  sim: string;
}

export function differences(step: string, moto: unknown, sim: unknown): Difference[] {
  const a = shapeOf(moto);
  const b = shapeOf(sim);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .map((path) => ({ step, path, moto: a.get(path) ?? "absent", sim: b.get(path) ?? "absent" }))
    .filter((d) => d.moto !== d.sim);
}
