/** docs/reference/events.md: every log event, with its fields, from the lines the event functions write. */
import { WHOLE } from "./event-fields.js";
import { FIELD_MEANINGS } from "./event-fields.js";
import { accountLines, agentLines, type Json } from "./event-samples.js";
import { cell, code } from "./markdown.js";

/** Dotted paths of a line's fields, each with its value; arrays and WHOLE objects are one field. */
export function fieldsOf(line: Json, prefix = ""): [string, unknown][] {
  return Object.entries(line).flatMap(([key, value]): [string, unknown][] => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    const leaf = value === null || typeof value !== "object" || Array.isArray(value) || WHOLE.has(path);
    return leaf ? [[path, value]] : fieldsOf(value as Json, path);
  });
}

/** Fields every line of `lines` has. */
function common(lines: Json[]): string[] {
  const [first, ...rest] = lines.map((line) => fieldsOf(line).map(([path]) => path));
  return (first ?? []).filter((path) => rest.every((paths) => paths.includes(path)));
}

function meaning(path: string): string {
  return FIELD_MEANINGS[path] ?? "";
}

function fieldTable(rows: [string, unknown][], withValue: boolean): string[] {
  const header = withValue ? ["| Field | Example | Meaning |", "|---|---|---|"] : ["| Field | Meaning |", "|---|---|"];
  return [
    ...header,
    ...rows.map(([path, value]) => (withValue ? `| ${code(path)} | ${code(JSON.stringify(value))} | ${cell(meaning(path))} |` : `| ${code(path)} | ${cell(meaning(path))} |`)),
  ];
}

function section(title: string, intro: string, lines: Json[]): string[] {
  const shared = common(lines);
  const events = lines.map((line) => {
    const event = line["event"] as Json;
    const own = fieldsOf(line).filter(([path]) => !shared.includes(path));
    return [
      `### ${String(event["action"])}`,
      "",
      `Level \`${String(line["log.level"])}\`, \`event.severity\` ${String(event["severity"])}, \`event.kind\` \`${String(event["kind"])}\`.`,
      "",
      ...fieldTable(own, true),
      "",
      "```json",
      JSON.stringify(line),
      "```",
      "",
    ];
  });
  return [`## ${title}`, "", intro, "", "Fields every one of these lines has:", "", ...fieldTable(shared.map((p) => [p, undefined]), false), "", ...events.flat()];
}

export function eventsReference(): string {
  return [
    "# Log events",
    "",
    "<!-- Written by `npm run docs` from the event functions (src/observe/event-lines.ts, src/observe/events.ts,",
    "src/observe/account-events.ts); test/docs/reference.test.ts fails when it differs. -->",
    "",
    "JSON lines on stdout, one per change (never one per poll), with Elastic Common Schema field names",
    "(ECS 8.11) and rolewatch's own under `rolewatch.*` (docs/contract.md, Log events). No line carries a",
    "secret: SecretAccessKey, Token and passwords are never written. The examples below are real lines,",
    "written by the event functions with sample values.",
    "",
    ...section("rolewatch run", "The agent's events. `cloud.account.id`, `cloud.region` and `cloud.instance.id` are added once the instance identity document is read.", agentLines()),
    ...section("rolewatch account", "The account exporter's events: `service.type` is `account`, and `cloud.account.id` the account an event is about.", accountLines()),
  ].join("\n");
}

/** Every field path the sample lines have, for the test that each has a meaning. */
export function allFields(): string[] {
  return [...new Set([...agentLines(), ...accountLines()].flatMap((line) => fieldsOf(line).map(([path]) => path)))].sort();
}
