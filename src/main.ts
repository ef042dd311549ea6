#!/usr/bin/env node
import { main } from "./cli/main.js";

const stopSignal = new Promise<string>((resolve) => {
  // SIGHUP too: left to its default, it would end the daemon with no event (and no restart under
  // Restart=on-failure); stopped cleanly, systemd starts it again with its configuration re-read.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.once(signal, () => resolve(signal));
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
