import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { MASK, showValue, type ShownOption } from "../../src/cli/config-show.js";
import { OPTIONS } from "../../src/config.js";

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "rolewatch-show-")), "config.yaml");
  writeFileSync(path, text);
  return path;
}

async function show(argv: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const code = await main({ argv: ["config", "show", ...argv], env, out: (t) => void (out += t), err: (t) => void (err += t), stopSignal: new Promise(() => {}) });
  return { code, out, err };
}

const FILE = "imds:\n  timeout: 2s\npoll:\n  interval: 30s\nlog:\n  level: warn\n";

describe("rolewatch config show", () => {
  it("says for each option where its value came from: a flag over the environment over the file over the default", async () => {
    const path = configFile(FILE);
    const { code, out } = await show(["--config", path, "--log-level", "error", "--json"], { ROLEWATCH_POLL_INTERVAL: "1m", ROLEWATCH_LOG_LEVEL: "debug" });
    expect(code).toBe(0);
    const { configFile: read, options } = JSON.parse(out) as { configFile: string; options: ShownOption[] };
    const byKey = new Map(options.map((o) => [o.key, o]));
    expect(read).toBe(path);
    expect(byKey.get("imds.timeout")).toEqual({ key: "imds.timeout", value: "2s", source: `${path}:2` });
    expect(byKey.get("poll.interval")).toEqual({ key: "poll.interval", value: "1m", source: "env ROLEWATCH_POLL_INTERVAL" });
    expect(byKey.get("log.level")).toEqual({ key: "log.level", value: "error", source: "--log-level" });
    expect(byKey.get("config")).toEqual({ key: "config", value: path, source: "--config" });
    expect(byKey.get("sts.interval")).toEqual({ key: "sts.interval", value: "15m", source: "default" });
    expect(byKey.get("region")).toEqual({ key: "region", value: null, source: "default" });
    expect(options.map((o) => o.key)).toEqual(OPTIONS.map((o) => o.key));
  });

  it("prints one aligned line per option as text, the unset ones with what stands in for them", async () => {
    const path = configFile(FILE);
    const { code, out } = await show([], { ROLEWATCH_CONFIG: path, AWS_ENDPOINT_URL: "http://127.0.0.1:4566" });
    expect(code).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe(`# configuration file: ${path}`);
    expect(lines).toHaveLength(OPTIONS.length + 1);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^poll\\.interval +30s +${path}:4$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^aws\.endpoint +http:\/\/127\.0\.0\.1:4566\/ +env AWS_ENDPOINT_URL$/));
    expect(lines).toContainEqual(expect.stringMatching(/^region +\(not set: from the identity document\) +default$/));
    const column = (key: string) => lines.find((l) => l.startsWith(`${key} `))?.search(/ \S+$/);
    expect(column("imds.endpoint")).toBe(column("state.dir"));
  });

  it("names the file it read, an empty one too, and refuses a named file that does not exist", async () => {
    const empty = configFile("");
    const { out } = await show(["--config", empty]);
    expect(out.split("\n")[0]).toBe(`# configuration file: ${empty}`);
    const missing = await show([], { ROLEWATCH_CONFIG: "/nonexistent/rolewatch.yaml" });
    expect(missing.code).toBe(3);
    expect(missing.err).toContain("config file /nonexistent/rolewatch.yaml (from env ROLEWATCH_CONFIG) does not exist");
  });

  it("refuses what the commands would refuse, naming the key and where it was written", async () => {
    const path = configFile("poll:\n  interval: 7s\n");
    const { code, err, out } = await show(["--config", path, "--imds-timeout", "forever"]);
    expect(code).toBe(3);
    expect(out).toBe("");
    expect(err).toContain(`poll.interval: invalid value "7s" from ${path}:2`);
    expect(err).toContain('imds.timeout: invalid value "forever" from --imds-timeout');
  });

  it("warns of a ROLEWATCH_ variable no option reads, on stderr", async () => {
    const { code, err } = await show(["--config", configFile("")], { ROLEWATCH_POLL_INTERVALL: "1m" });
    expect(code).toBe(0);
    expect(err).toContain("unknown environment variable ROLEWATCH_POLL_INTERVALL");
  });

  it("masks the value of a secret option, and shows an unset one as unset", () => {
    const [option] = OPTIONS;
    expect(showValue({ ...option, secret: true }, "hunter2")).toBe(MASK);
    expect(showValue({ ...option, secret: true }, null)).toBeNull();
    expect(showValue(option, "http://169.254.169.254")).toBe("http://169.254.169.254");
  });
});
