#!/usr/bin/env node
import { main } from "./cli/main.js";

const stopSignal = new Promise<string>((resolve) => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve(signal));
});

process.exitCode = await main({
  argv: process.argv.slice(2),
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stopSignal,
});
// Commands close what they open; nothing else is waited for.
process.exit();
