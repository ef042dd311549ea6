/** docs/reference/scenario.md: the scenario file's keys (src/sim/scenario/format.ts) and the example file. */
import { readFileSync } from "node:fs";
import { SCENARIO_FORMAT } from "../../../src/sim/scenario/format.js";
import { cell, code } from "./markdown.js";

export const EXAMPLE = new URL("../../../docs/scenario.example.yml", import.meta.url);

export function scenarioReference(): string {
  const sections = SCENARIO_FORMAT.flatMap((s) => [
    `## ${code(s.path)}`,
    "",
    s.about,
    "",
    "| Key | Meaning |",
    "|---|---|",
    ...Object.entries(s.keys).map(([key, meaning]) => `| ${code(key)} | ${cell(meaning)} |`),
    "",
  ]);
  return [
    "# Scenario files",
    "",
    "<!-- Written by `npm run docs` from the scenario format (src/sim/scenario/format.ts), which the",
    "scenario parser accepts exactly; test/docs/reference.test.ts fails when it differs. -->",
    "",
    "`rolewatch sim --scenario FILE` starts the simulator from the world a YAML (or JSON) file",
    "describes, instead of the field report's. An unknown key, a value out of shape, a reference to a",
    "role or profile the file does not have, or a schedule step IAM would refuse is an error that names",
    "its key (`scenario.instances[0].state: must be one of running, stopped`).",
    "",
    ...sections,
    "## Example",
    "",
    "docs/scenario.example.yml, which the tests load into the simulator:",
    "",
    "```yaml",
    readFileSync(EXAMPLE, "utf8").trimEnd(),
    "```",
    "",
  ].join("\n");
}
