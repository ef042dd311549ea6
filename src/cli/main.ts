import { ConfigError, RolewatchError } from "../errors.js";
import { VERSION } from "../version.js";
import { EXIT, type Command, type Io } from "./command.js";

/**
 * Each command is loaded only when asked for: `run` on every host of a fleet
 * must not carry the simulator's code in its memory.
 */
export const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: "run", summary: "the daemon: poll, serve /metrics, log events", load: async () => (await import("./run.js")).runCommand() },
  { name: "check", summary: "observe once, report, and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN", load: async () => (await import("./check.js")).checkCommand() },
  { name: "account", summary: "the account exporter: every instance profile and association of an account, for fleet mode", load: async () => (await import("./account.js")).accountCommand() },
  { name: "sim", summary: "the simulator of IMDS, STS, IAM and EC2, on loopback, that follows the field report", load: async () => (await import("./sim.js")).simCommand },
  { name: "demo", summary: "the field report replayed: simulator and agent in one process, in compressed time", load: async () => (await import("./demo.js")).demoCommand },
  { name: "config", summary: "config check [FILE]: validate a configuration file; config show: the effective configuration", load: async () => (await import("./config-check.js")).configCommand },
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `Usage: rolewatch <command> [options]

Watches the IAM role credentials that EC2's instance metadata service really
serves, and reports when they drift from what the instance profile says.

Commands:
${list}

  rolewatch <command> --help   options of one command
  rolewatch --version
`;
}

/** Runs one command line; resolves to the process exit code. Never throws. */
export async function main(io: Io): Promise<number> {
  const [name, ...argv] = io.argv;
  const flagsOnly = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : undefined);
  if (name === "--version" || flagsOnly.includes("--version")) return print(io, `rolewatch ${VERSION}\n`);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") return print(io, usage());
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.err(`rolewatch: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return EXIT.unknown;
  }
  const command = await entry.load();
  if (flagsOnly.includes("--help") || flagsOnly.includes("-h")) return print(io, command.help());
  try {
    return await command.run({ ...io, argv });
  } catch (error) {
    return fail(io, command, error);
  }
}

function print(io: Io, text: string): number {
  io.out(text);
  return EXIT.ok;
}

/** Bad input is listed problem by problem; any other failure is one line, never a stack trace. */
function fail(io: Io, command: Command, error: unknown): number {
  if (error instanceof ConfigError) {
    io.err(`rolewatch ${command.name}: invalid configuration:\n${error.problems.map((p) => `  ${p}\n`).join("")}`);
  } else if (error instanceof RolewatchError) {
    io.err(`rolewatch ${command.name}: ${error.message}\n`);
  } else {
    io.err(`rolewatch ${command.name}: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return EXIT.unknown;
}
