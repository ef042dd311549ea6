import { ConfigError, RolewatchError } from "../errors.js";
import { VERSION } from "../version.js";
import { checkCommand } from "./check.js";
import { EXIT, type Command, type Io } from "./command.js";
import { configCommand } from "./config-check.js";
import { runCommand } from "./run.js";
import { simCommand } from "./sim.js";

const COMMANDS: readonly Command[] = [runCommand(), checkCommand(), simCommand, configCommand];

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
  const command = COMMANDS.find((c) => c.name === name);
  if (name === undefined || name === "--help" || name === "-h" || name === "help") return print(io, usage());
  if (!command) {
    io.err(`rolewatch: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return EXIT.unknown;
  }
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
