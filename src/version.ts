// Not an ESM import: the ESM view of node:fs reads every export, fs.promises and its streams
// among them, which then stay loaded for the life of the daemon.
const { readFileSync } = process.getBuiltinModule("node:fs");

/** The package's version, read once from package.json (one level above src/ and dist/). */
export const VERSION: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
