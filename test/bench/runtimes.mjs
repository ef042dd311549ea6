/**
 * The Node.js runtimes the benchmark measures rolewatch on, each with the
 * flags the unit gives it: the Node.js 24 the packages ship
 * (packaging/node-runtime.sh, the same binary they install), and the node
 * running the benchmark (development). The flags are read from
 * systemd/rolewatch.service, Environment="NODE_OPTIONS=...", so that what is
 * measured cannot drift from what is deployed, and are passed the same way:
 * in NODE_OPTIONS, where node refuses any flag it does not allow there.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ARCH = { x64: "x64", arm64: "arm64" }[process.arch];

/** The unit's NODE_OPTIONS, split into flags. */
export function unitNodeOptions(repo) {
  const unit = readFileSync(join(repo, "systemd/rolewatch.service"), "utf8");
  const line = /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(unit);
  if (!line) throw new Error("systemd/rolewatch.service sets no NODE_OPTIONS");
  return line[1].split(/\s+/).filter(Boolean);
}

/** The node binary the packages ship, fetched into out/node/ on first use. */
function shippedNode(repo) {
  if (!ARCH) throw new Error(`no Node.js package for ${process.arch}`);
  return execFileSync("bash", [join(repo, "packaging/node-runtime.sh"), ARCH], { encoding: "utf8" }).trim();
}

/** `node`'s version, and which of `flags` it accepts in NODE_OPTIONS. */
function probe(node, flags) {
  const script = "const f = JSON.parse(process.argv[1]); process.stdout.write(JSON.stringify({ version: process.version, known: f.filter((x) => process.allowedNodeEnvironmentFlags.has(x.split('=')[0])) }))";
  return JSON.parse(execFileSync(node, ["-e", script, JSON.stringify(flags)], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } }));
}

/**
 * [shipped, development]: each { id, label, node, version, nodeOptions, from }.
 * BENCH_NODE_OPTIONS replaces the unit's flags ("" for none). A flag the
 * development node lacks (--disable-sigusr1 before Node.js 22.14) would stop
 * it at start; it is left out there, and `from` says so.
 */
export function runtimes(repo) {
  const override = process.env.BENCH_NODE_OPTIONS;
  const flags = override === undefined ? unitNodeOptions(repo) : override.split(/\s+/).filter(Boolean);
  const source = override === undefined ? "systemd/rolewatch.service" : "BENCH_NODE_OPTIONS";
  const list = [
    { id: "shipped", label: "the packages' Node", node: shippedNode(repo) },
    { id: "development", label: "development Node", node: process.execPath },
  ];
  return list.map((r) => {
    const { version, known } = probe(r.node, flags);
    const left = flags.filter((f) => !known.includes(f));
    if (left.length > 0 && r.id === "shipped") throw new Error(`node ${version}, which the packages ship, refuses ${left.join(" ")} in NODE_OPTIONS`);
    const from = `${source}${left.length > 0 ? ` (without ${left.join(" ")}, which node ${version} lacks)` : ""}`;
    return { ...r, version, nodeOptions: known, from };
  });
}
