import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { ManualClock } from "../../src/clock.js";
import { OPTIONS } from "../../src/config.js";
import { loadScenario, startSimulator } from "../../src/sim/index.js";
import { SCENARIO_FORMAT } from "../../src/sim/scenario/format.js";
import { FIELD_MEANINGS } from "./reference/event-fields.js";
import { ACCOUNT_SAMPLES, AGENT_SAMPLES, eventFunctions } from "./reference/event-samples.js";
import { allFields, eventsReference } from "./reference/events.js";
import { metricsReference, registries } from "./reference/metrics.js";
import { optionsReference } from "./reference/options.js";
import { EXAMPLE, scenarioReference } from "./reference/scenario.js";

/**
 * The references under docs/reference/ must equal what the code says. `npm run docs`
 * (DOCS_WRITE=1) rewrites them instead of failing.
 */
const WRITE = process.env["DOCS_WRITE"] === "1";

const REFERENCES: [string, () => string | Promise<string>][] = [
  ["docs/reference/options.md", optionsReference],
  ["docs/reference/metrics.md", metricsReference],
  ["docs/reference/events.md", eventsReference],
  ["docs/reference/scenario.md", scenarioReference],
];

describe("the references in docs/reference", () => {
  it.each(REFERENCES)("%s says what the code has (regenerate with: npm run docs)", async (path, generate) => {
    const file = new URL(`../../${path}`, import.meta.url);
    const expected = await generate();
    if (WRITE) writeFileSync(file, expected);
    expect(readFileSync(file, "utf8")).toBe(expected);
  });

  it("give every option a help text and the values it accepts", () => {
    for (const o of OPTIONS) {
      expect(o.help.trim(), o.key).not.toBe("");
      expect(o.parser.allowed.trim(), o.key).not.toBe("");
    }
  });

  it("give every metric of both registries a help text", async () => {
    const { agent, account } = await registries();
    expect(agent.map((m) => m.name)).toContain("rolewatch_served_info");
    for (const m of [...agent, ...account]) expect(m.help.trim(), m.name).not.toBe("");
  });

  it("call every event function, so that every event is shown", () => {
    const { agent, account } = eventFunctions();
    expect(new Set(AGENT_SAMPLES.map(([name]) => name))).toEqual(new Set(agent));
    expect(new Set(ACCOUNT_SAMPLES.map(([name]) => name))).toEqual(new Set(account));
  });

  it("give every field an event writes a meaning, and keep none for a field no event writes", () => {
    const fields = allFields();
    expect(fields.filter((f) => (FIELD_MEANINGS[f] ?? "").trim() === "")).toEqual([]);
    expect(Object.keys(FIELD_MEANINGS).filter((f) => !fields.includes(f))).toEqual([]);
  });

  it("give every key of the scenario format a meaning", () => {
    for (const section of SCENARIO_FORMAT) {
      expect(section.about.trim(), section.path).not.toBe("");
      for (const [key, meaning] of Object.entries(section.keys)) expect(meaning.trim(), `${section.path}.${key}`).not.toBe("");
    }
  });
});

/** Every key path an example document uses, sections of lists written with []: "scenario.roles[].name". */
function keyPaths(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${path}[]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [`${path}.${key}`, ...keyPaths(child, `${path}.${key}`)]);
}

describe("docs/scenario.example.yml", () => {
  const text = readFileSync(EXAMPLE, "utf8");

  it("uses every key of the scenario format, set or shown in a comment", () => {
    // A commented key ("# credentialsCode: ...") is one the example cannot set and still run the field report.
    const commented = [...text.matchAll(/^\s*#\s*(\w+):/gm)].map((m) => m[1]);
    const used = new Set(keyPaths(YAML.parse(text), "scenario"));
    const missing = SCENARIO_FORMAT.flatMap((s) => Object.keys(s.keys).map((key) => ({ path: `${s.path}.${key}`, key })))
      .filter(({ path, key }) => !used.has(path) && !commented.includes(key))
      .map(({ path }) => path);
    expect(missing).toEqual([]);
  });

  it("starts the simulator, which serves the instance and role it describes", async () => {
    const sim = await startSimulator({ clock: new ManualClock(Date.parse("2026-11-29T08:00:00Z")), scenario: loadScenario(text) });
    try {
      const token = await fetch(`${sim.imdsUrl}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } });
      const headers = { "x-aws-ec2-metadata-token": await token.text() };
      const instance = await fetch(`${sim.imdsUrl}/latest/meta-data/instance-id`, { headers });
      const roles = await fetch(`${sim.imdsUrl}/latest/meta-data/iam/security-credentials/`, { headers });
      expect(await instance.text()).toBe("i-0d4c8f2b7a91e3c56");
      expect((await roles.text()).split("\n")[0]).toBe("RedRole");
    } finally {
      await sim.close();
    }
  });
});
