/** packaging/man/rolewatch.1: the man page, in roff (man(7)), from the commands and the configuration table. */
import { readFileSync } from "node:fs";
import { EXIT } from "../../../src/cli/command.js";
import { DEFAULT_CONFIG_FILE, GROUPS, OPTIONS, readersOf, type OptionSpec } from "../../../src/config.js";
import { defaultText, flagUsage } from "../../../src/config/help.js";
import type { CommandDoc } from "./commands.js";

const PACKAGE = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string; homepage: string };
export const HOMEPAGE = PACKAGE.homepage;

/** Text as roff reads it: backslashes escaped, `code` in bold with its minus signs as such, no line read as a request. */
export function roff(text: string): string {
  const escaped = text.replaceAll("\\", "\\e");
  const coded = escaped.replace(/`([^`]+)`/g, (_, code: string) => `\\fB${code.replaceAll("-", "\\-")}\\fR`);
  return coded.split("\n").map((line) => (/^[.']/.test(line) ? `\\&${line}` : line)).join("\n");
}

/** A flag or command line: every hyphen a minus sign, as typed. */
function literal(text: string): string {
  return text.replaceAll("\\", "\\e").replaceAll("-", "\\-");
}

function option(o: OptionSpec): string[] {
  const facts = [
    o.inFile ? `Key \\fB${literal(o.key)}\\fR in the file` : "Not in the file",
    `environment ${o.env.map((e) => `\\fB${literal(e)}\\fR`).join(", ")}`,
    `default ${roff(defaultText(o))}`,
    `read by ${readersOf(o.key).map((r) => `\\fBrolewatch ${r}\\fR`).join(", ")}.`,
  ];
  return [".TP", `.B ${literal(flagUsage(o))}`, roff(o.help), ".br", `Accepts ${roff(o.parser.allowed)}.`, ".br", `${facts.join("; ")}`];
}

function command(c: CommandDoc): string[] {
  return [".TP", `.B rolewatch ${literal(c.name)}`, roff(`${c.summary}.`)];
}

/** A usage line: the command in bold, placeholders in italics. */
function synopsis(usage: string): string[] {
  const words = usage.replace(/^rolewatch /, "").replace(/[A-Z][A-Z|]*[A-Z]\b/g, (w) => `\\fI${w}\\fR`);
  return [`\\fBrolewatch\\fR ${literal(words).replaceAll("\\efI", "\\fI").replaceAll("\\efR", "\\fR")}`, ".br"];
}

export function manPage(commands: readonly CommandDoc[]): string {
  return [
    `.\\" Written by npm run docs from the commands and the configuration table (src/config/options.ts).`,
    `.TH ROLEWATCH 1 "" "rolewatch ${PACKAGE.version}" "User Commands"`,
    ".SH NAME",
    "rolewatch \\- watch the IAM role credentials EC2's instance metadata service serves for drift from the instance profile",
    ".SH SYNOPSIS",
    ...commands.flatMap((c) => c.usage.flatMap(synopsis)),
    ".B rolewatch \\-\\-version",
    ".SH DESCRIPTION",
    "rolewatch watches the IAM role credentials that EC2's instance metadata service (IMDS) really",
    "serves, confirms with STS which role they belong to, and compares that with the role the instance",
    "profile holds in IAM. When they drift apart it says so through Prometheus metrics on /metrics and",
    "JSON log events on standard output.",
    ".PP",
    `Options are read from a YAML file (\\fB\\-\\-config\\fR, default ${literal(DEFAULT_CONFIG_FILE)}), then the`,
    "environment, then the flags: the last one that sets an option wins. A dotted key is nested in the",
    "file: \\fBpoll.interval\\fR is written \\fBpoll: { interval: 15s }\\fR.",
    "\\fBrolewatch config show\\fR prints the value each option has and where it came from.",
    ".SH COMMANDS",
    ...commands.flatMap(command),
    ".SH OPTIONS",
    "A switch takes \\fB\\-\\-name\\fR, \\fB\\-\\-no\\-name\\fR or \\fB\\-\\-name=\\fR\\fIBOOL\\fR; a value, \\fB\\-\\-name \\fR\\fIVALUE\\fR or \\fB\\-\\-name=\\fR\\fIVALUE\\fR.",
    ...GROUPS.flatMap((g) => [`.SS "${g.title}"`, ...OPTIONS.filter((o) => o.group === g.id).flatMap(option)]),
    ".SH EXIT STATUS",
    "Every command follows the monitoring-plugin convention:",
    ...Object.entries(EXIT).flatMap(([name, code]) => [".TP", `.B ${code}`, name.toUpperCase()]),
    ".SH FILES",
    ".TP",
    `.I ${literal(DEFAULT_CONFIG_FILE)}`,
    "The configuration file; it may be absent.",
    ".TP",
    ".I /var/lib/rolewatch",
    "The state directory: open drifts and what was last seen, kept across restarts.",
    ".TP",
    ".I /usr/share/doc/rolewatch/README.md",
    "How to install, configure and alert on rolewatch, with the IAM policies it needs.",
    ".SH SEE ALSO",
    "\\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1), \\fBsystemd.exec\\fR(5);",
    "the units rolewatch.service and rolewatch\\-account.service;",
    `${literal(HOMEPAGE)}`,
    "",
  ].join("\n");
}
