import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfigFile, loadConfig, readFileOrNull } from "../../src/config.js";
import { files, problemsOf } from "./fixtures.js";

const FILE = "/srv/rolewatch.yaml";
const check = (text: string) => checkConfigFile(FILE, files({ [FILE]: text }));

describe("checkConfigFile", () => {
  it("finds nothing wrong in a file that sets every option", () => {
    const text = [
      "imds:",
      "  endpoint: http://127.0.0.1:1338/",
      "  tokenTtl: 6h",
      "  timeout: 500ms",
      "  allowV1: no",
      "poll:",
      "  interval: 30s",
      "sts:",
      "  interval: 1h",
      "controlPlane:",
      "  interval: 10m",
      "  association: off",
      "region: eu-west-3",
      "http:",
      '  listen: "127.0.0.1:9725"',
      "log:",
      "  level: debug",
      "state:",
      "  dir: /var/lib/rolewatch",
    ].join("\n");
    expect(check(text)).toEqual([]);
  });

  it("reports a missing file", () => {
    expect(checkConfigFile(FILE, files({}))).toEqual([`config file ${FILE} (from the command line) does not exist`]);
  });

  it.each([
    ["imds:\n  tokenttl: 5\n", `${FILE}:2: unknown key imds.tokenttl (did you mean imds.tokenTtl?)`],
    ["imds:\n  allowv1: true\n", `${FILE}:2: unknown key imds.allowv1 (did you mean imds.allowV1?)`],
    ["regoin: us-east-1\n", `${FILE}:1: unknown key regoin (did you mean region?)`],
    ["log:\n  levle: info\n", `${FILE}:2: unknown key log.levle (did you mean log.level?)`],
    ["pol:\n  interval: 15s\n", `${FILE}:1: unknown key pol (did you mean poll?)`],
    ["controlplane:\n  interval: 5m\n", `${FILE}:1: unknown key controlplane (did you mean controlPlane?)`],
    ["metrics: true\n", `${FILE}:1: unknown key metrics`],
    ["config: /etc/other.yaml\n", `${FILE}:1: unknown key config`],
    ["poll.interval: 15s\n", `${FILE}:1: unknown key poll.interval (keys are nested: write poll: { interval: … })`],
    ["poll: 15s\n", `${FILE}:1: poll must be a map of settings (interval)`],
    ["- poll\n", `${FILE}:1: expected a map of settings (such as "poll:\\n  interval: 15s")`],
  ])("reports %j as %j", (text, problem) => {
    expect(check(text)).toEqual([problem]);
  });

  it.each([
    ["poll:\n  interval: 15s\n  interval: 20s\n", `${FILE}:3:3: YAML syntax error: Map keys must be unique`],
    ["log:\n  level: info\npoll: [\n", `${FILE}:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`],
    ["poll:\n\tinterval: 5s\n", `${FILE}:2:1: YAML syntax error: Tabs are not allowed as indentation`],
    ["region: 'us-east-1\n", `${FILE}:2:1: YAML syntax error: Missing closing 'quote`],
    ["poll:\n  interval: 15s\n x: 1\n", `${FILE}:3:1: YAML syntax error: All mapping items must start at the same column`],
  ])("gives the line and column of the YAML syntax error in %j", (text, problem) => {
    expect(check(text)).toEqual([problem]);
  });

  it("reports unknown keys and bad values together", () => {
    expect(check("poll:\n  interval: 7m\nsts:\n  intervall: 5m\n")).toEqual([
      `${FILE}:4: unknown key sts.intervall (did you mean sts.interval?)`,
      expect.stringMatching(new RegExp(`^poll\\.interval: invalid value "7m" from ${FILE}:2; expected`)),
    ]);
  });
});

describe("loadConfig reads the file with the same checks", () => {
  it("reports a YAML syntax error in the default file with its line", () => {
    expect(problemsOf({ yaml: "log:\n  level: info\n  level: debug\n" })).toEqual([
      "/etc/rolewatch/config.yaml:3:3: YAML syntax error: Map keys must be unique",
    ]);
  });

  it("reports an unknown key with a suggestion", () => {
    expect(problemsOf({ yaml: "http:\n  listne: :9000\n" })).toEqual([
      "/etc/rolewatch/config.yaml:2: unknown key http.listne (did you mean http.listen?)",
    ]);
  });
});

describe("the default readFile, on a scratch directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "rolewatch-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a file, and gives null for one that does not exist", () => {
    writeFileSync(join(dir, "ok.yaml"), "log:\n  level: warn\n");
    expect(readFileOrNull(join(dir, "ok.yaml"))).toBe("log:\n  level: warn\n");
    expect(readFileOrNull(join(dir, "absent.yaml"))).toBeNull();
    expect(loadConfig({ argv: ["--config", join(dir, "ok.yaml")], env: {} }).config.log.level).toBe("warn");
  });

  it("reports a path that cannot be read as a problem, not a crash", () => {
    expect(checkConfigFile(dir)).toEqual([`config file ${dir}: cannot be read (EISDIR)`]);
  });
});
