import YAML from "yaml";
import { ConfigError } from "../../errors.js";
import { parseScenario } from "./parse.js";
import type { Scenario } from "./scenario.js";

/** Parses a scenario file, YAML or JSON (JSON is YAML); throws ConfigError listing every problem. */
export function loadScenario(text: string): Scenario {
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (error) {
    throw new ConfigError([`scenario: not valid YAML or JSON: ${(error as Error).message}`]);
  }
  return parseScenario(value);
}
