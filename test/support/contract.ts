import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const SCHEMA = new URL("../contract/check-output.schema.json", import.meta.url);

/** Validates a `check --json` or `/status` object against the product contract; returns the problems. */
export function contractProblems(value: unknown, schema: URL = SCHEMA): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schema, "utf8")) as object);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`);
}
