import { describe, expect, it } from "vitest";
import { bool, loadConfig, type Config } from "../../src/config.js";
import { DEFAULT_FILE, input, load, problemsOf } from "./fixtures.js";

describe("defaults", () => {
  const config = load();

  it.each<[string, (c: Config) => unknown, unknown]>([
    ["imds.endpoint", (c) => c.imds.endpoint, "http://169.254.169.254"],
    ["imds.tokenTtl", (c) => c.imds.tokenTtlSeconds, 21_600],
    ["imds.timeout", (c) => c.imds.timeoutMs, 1000],
    ["imds.allowV1", (c) => c.imds.allowV1, false],
    ["poll.interval", (c) => c.poll.intervalMs, 15_000],
    ["sts.interval", (c) => c.sts.intervalMs, 900_000],
    ["controlPlane.interval", (c) => c.controlPlane.intervalMs, 300_000],
    ["controlPlane.association", (c) => c.controlPlane.association, true],
    ["region", (c) => c.region, null],
    ["http.listen", (c) => ({ host: c.http.host, port: c.http.port }), { host: "", port: 9725 }],
    ["http.maxConnections", (c) => c.http.maxConnections, 64],
    ["log.level", (c) => c.log.level, "info"],
    ["state.dir", (c) => c.state.dir, "/var/lib/rolewatch"],
    ["configFile (default file absent)", (c) => c.configFile, null],
  ])("%s defaults to %j", (_key, get, expected) => {
    expect(get(config)).toEqual(expected);
  });
});

interface Row {
  key: string;
  section: string;
  name: string;
  env: string;
  flag: string;
  values: [string, string, string];
  get: (c: Config) => unknown;
  expected: [unknown, unknown, unknown];
}

const rows: Row[] = [
  { key: "imds.endpoint", section: "imds", name: "endpoint", env: "ROLEWATCH_IMDS_ENDPOINT", flag: "--imds-endpoint",
    values: ["http://10.0.0.1", "http://127.0.0.1:1338/", "http://[::1]:80"], get: (c) => c.imds.endpoint,
    expected: ["http://10.0.0.1", "http://127.0.0.1:1338", "http://[::1]"] },
  { key: "imds.tokenTtl", section: "imds", name: "tokenTtl", env: "ROLEWATCH_IMDS_TOKEN_TTL", flag: "--imds-token-ttl",
    values: ["600", "1h", "6h"], get: (c) => c.imds.tokenTtlSeconds, expected: [600, 3600, 21_600] },
  { key: "imds.timeout", section: "imds", name: "timeout", env: "ROLEWATCH_IMDS_TIMEOUT", flag: "--imds-timeout",
    values: ["2", "500ms", "30s"], get: (c) => c.imds.timeoutMs, expected: [2000, 500, 30_000] },
  { key: "imds.allowV1", section: "imds", name: "allowV1", env: "ROLEWATCH_IMDS_ALLOW_V1", flag: "--imds-allow-v1",
    values: ["yes", "off", "TRUE"], get: (c) => c.imds.allowV1, expected: [true, false, true] },
  { key: "poll.interval", section: "poll", name: "interval", env: "ROLEWATCH_POLL_INTERVAL", flag: "--poll-interval",
    values: ["30", "1m", "5s"], get: (c) => c.poll.intervalMs, expected: [30_000, 60_000, 5000] },
  { key: "sts.interval", section: "sts", name: "interval", env: "ROLEWATCH_STS_INTERVAL", flag: "--sts-interval",
    values: ["1m", "1h30m", "6h"], get: (c) => c.sts.intervalMs, expected: [60_000, 5_400_000, 21_600_000] },
  { key: "controlPlane.interval", section: "controlPlane", name: "interval", env: "ROLEWATCH_CONTROL_PLANE_INTERVAL",
    flag: "--control-plane-interval", values: ["2m", "1h", "90"], get: (c) => c.controlPlane.intervalMs,
    expected: [120_000, 3_600_000, 90_000] },
  { key: "controlPlane.association", section: "controlPlane", name: "association",
    env: "ROLEWATCH_CONTROL_PLANE_ASSOCIATION", flag: "--control-plane-association", values: ["no", "1", "false"],
    get: (c) => c.controlPlane.association, expected: [false, true, false] },
  { key: "region", section: "", name: "region", env: "ROLEWATCH_REGION", flag: "--region",
    values: ["eu-west-3", "us-gov-west-1", "ap-southeast-2"], get: (c) => c.region,
    expected: ["eu-west-3", "us-gov-west-1", "ap-southeast-2"] },
  { key: "http.listen", section: "http", name: "listen", env: "ROLEWATCH_HTTP_LISTEN", flag: "--listen",
    values: ["127.0.0.1:9000", "[::1]:9725", ":0"], get: (c) => ({ host: c.http.host, port: c.http.port }),
    expected: [{ host: "127.0.0.1", port: 9000 }, { host: "::1", port: 9725 }, { host: "", port: 0 }] },
  { key: "http.maxConnections", section: "http", name: "maxConnections", env: "ROLEWATCH_HTTP_MAX_CONNECTIONS",
    flag: "--http-max-connections", values: ["1", "100", "512"], get: (c) => c.http.maxConnections, expected: [1, 100, 512] },
  { key: "log.level", section: "log", name: "level", env: "ROLEWATCH_LOG_LEVEL", flag: "--log-level",
    values: ["debug", "warn", "fatal"], get: (c) => c.log.level, expected: ["debug", "warn", "fatal"] },
  { key: "state.dir", section: "state", name: "dir", env: "ROLEWATCH_STATE_DIR", flag: "--state-dir",
    values: ["/srv/a", "/srv/b", "./state"], get: (c) => c.state.dir, expected: ["/srv/a", "/srv/b", "./state"] },
];

function yamlFor(row: Row, value: string): string {
  const quoted = JSON.stringify(value);
  return row.section === "" ? `${row.name}: ${quoted}\n` : `${row.section}:\n  ${row.name}: ${quoted}\n`;
}

describe("precedence: file < environment < flag", () => {
  it.each(rows)("$key: the file sets it", (row) => {
    expect(row.get(load({ yaml: yamlFor(row, row.values[0]) }))).toEqual(row.expected[0]);
  });

  it.each(rows)("$key: $env overrides the file", (row) => {
    const config = load({ yaml: yamlFor(row, row.values[0]), env: { [row.env]: row.values[1] } });
    expect(row.get(config)).toEqual(row.expected[1]);
  });

  it.each(rows)("$key: $flag overrides both, as --name value and --name=value", (row) => {
    const sources = { yaml: yamlFor(row, row.values[0]), env: { [row.env]: row.values[1] } };
    expect(row.get(load({ ...sources, argv: [row.flag, row.values[2]] }))).toEqual(row.expected[2]);
    expect(row.get(load({ ...sources, argv: [`${row.flag}=${row.values[2]}`] }))).toEqual(row.expected[2]);
  });
});

describe("standard environment variables", () => {
  const aws = { AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:41234/" };

  it("reads the IMDS endpoint from AWS_EC2_METADATA_SERVICE_ENDPOINT, as the AWS SDKs do", () => {
    expect(load({ env: aws }).imds.endpoint).toBe("http://127.0.0.1:41234");
  });

  it("lets ROLEWATCH_IMDS_ENDPOINT win over AWS_EC2_METADATA_SERVICE_ENDPOINT", () => {
    const env = { ...aws, ROLEWATCH_IMDS_ENDPOINT: "http://10.0.0.9" };
    expect(load({ env }).imds.endpoint).toBe("http://10.0.0.9");
  });

  it("lets AWS_EC2_METADATA_SERVICE_ENDPOINT override the file, like any environment variable", () => {
    expect(load({ env: aws, yaml: "imds:\n  endpoint: http://10.0.0.1\n" }).imds.endpoint).toBe("http://127.0.0.1:41234");
  });

  it.each([
    [{ STATE_DIRECTORY: "/var/lib/rolewatch-x" }, "/var/lib/rolewatch-x"],
    [{ STATE_DIRECTORY: "/var/lib/a:/var/lib/b" }, "/var/lib/a"],
    [{ STATE_DIRECTORY: "/var/lib/a", ROLEWATCH_STATE_DIR: "/srv/state" }, "/srv/state"],
  ])("reads systemd's StateDirectory= from %j", (env, dir) => {
    expect(load({ env }).state.dir).toBe(dir);
  });

  it("treats an empty variable as unset", () => {
    expect(load({ env: { ROLEWATCH_POLL_INTERVAL: "", ROLEWATCH_REGION: " " } }).poll.intervalMs).toBe(15_000);
  });

  it("warns about ROLEWATCH_* variables no option reads, without failing", () => {
    const loaded = loadConfig(input({ env: { ROLEWATCH_POL_INTERVAL: "30s", ROLEWATCH_POLL_INTERVAL: "30s" } }));
    expect(loaded.warnings).toEqual([
      "unknown environment variable ROLEWATCH_POL_INTERVAL (did you mean ROLEWATCH_POLL_INTERVAL?)",
    ]);
  });
});

describe("boolean flags", () => {
  it.each([
    [["--imds-allow-v1"], true],
    [["--imds-allow-v1=false"], false],
    [["--imds-allow-v1=yes"], true],
    [["--no-imds-allow-v1"], false],
  ])("%j sets imds.allowV1 to %s", (argv, value) => {
    expect(load({ argv, env: { ROLEWATCH_IMDS_ALLOW_V1: String(!value) } }).imds.allowV1).toBe(value);
  });

  it("--no-control-plane-association turns off a default that is on", () => {
    expect(load({ argv: ["--no-control-plane-association"] }).controlPlane.association).toBe(false);
  });
});

describe("the config file", () => {
  it("may be absent when it is the default", () => {
    expect(load().configFile).toBeNull();
  });

  it("is reported when it names itself the default", () => {
    expect(load({ yaml: "log:\n  level: debug\n" }).configFile).toBe(DEFAULT_FILE);
  });

  it.each([
    [{ argv: ["--config", "/srv/rw.yaml"] }, "config file /srv/rw.yaml (from --config) does not exist"],
    [{ env: { ROLEWATCH_CONFIG: "/srv/rw.yaml" } }, "config file /srv/rw.yaml (from env ROLEWATCH_CONFIG) does not exist"],
    [{ argv: [`--config=${DEFAULT_FILE}`] }, `config file ${DEFAULT_FILE} (from --config) does not exist`],
  ])("must exist when named explicitly: %j", (sources, problem) => {
    expect(problemsOf(sources)).toEqual([problem]);
  });

  it("is read from --config over ROLEWATCH_CONFIG over the default", () => {
    const sources = {
      files: { "/a.yaml": "log:\n  level: warn\n", "/b.yaml": "log:\n  level: error\n" },
      yaml: "log:\n  level: debug\n",
    };
    expect(load(sources).log.level).toBe("debug");
    expect(load({ ...sources, env: { ROLEWATCH_CONFIG: "/a.yaml" } }).configFile).toBe("/a.yaml");
    const both = load({ ...sources, env: { ROLEWATCH_CONFIG: "/a.yaml" }, argv: ["--config", "/b.yaml"] });
    expect([both.configFile, both.log.level]).toEqual(["/b.yaml", "error"]);
  });

  it("reports a file that cannot be read, without a stack trace", () => {
    const readFile = (): string => {
      throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    };
    expect(() => loadConfig({ argv: [], env: {}, readFile })).toThrow(`config file ${DEFAULT_FILE}: cannot be read (EACCES)`);
  });

  it("may be empty or hold only comments", () => {
    expect(load({ yaml: "# nothing set yet\n" }).poll.intervalMs).toBe(15_000);
    expect(load({ yaml: "" }).configFile).toBe(DEFAULT_FILE);
  });

  it("treats a key left empty as unset", () => {
    expect(load({ yaml: "poll:\n  interval:\nregion:\n" }).poll.intervalMs).toBe(15_000);
  });

  it("takes YAML numbers and booleans as written", () => {
    const config = load({ yaml: "imds:\n  tokenTtl: 3600\n  allowV1: true\npoll:\n  interval: 30\n" });
    expect([config.imds.tokenTtlSeconds, config.imds.allowV1, config.poll.intervalMs]).toEqual([3600, true, 30_000]);
  });
});

describe("a command's own flags", () => {
  it("are parsed in the same pass, and positional arguments are left", () => {
    const loaded = loadConfig({ ...input({ argv: ["--json", "--log-level", "debug", "extra"] }), flags: { json: { parser: bool } } });
    expect(loaded.flags).toEqual({ json: true });
    expect(loaded.rest).toEqual(["extra"]);
    expect(loaded.config.log.level).toBe("debug");
  });

  it("without them, a command's flag is an unknown option", () => {
    expect(problemsOf({ argv: ["--json"] })).toEqual(["unknown option --json"]);
  });

  it("leave nothing in flags when not given", () => {
    const loaded = loadConfig({ ...input({}), flags: { json: { parser: bool } } });
    expect(loaded.flags).toEqual({});
  });
});

