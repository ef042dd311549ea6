import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import { DEFAULT_FILE, input, problemsOf } from "./fixtures.js";

const CRON_STEPS = "1s, 2s, 3s, 4s, 5s, 6s, 10s, 12s, 15s, 20s, 30s, 1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m";

// [key, env var, bad value, what the message must say is allowed]
const rejected: [string, string, string, string][] = [
  ["imds.endpoint", "ROLEWATCH_IMDS_ENDPOINT", "https://169.254.169.254", "(IMDS serves plain http only); expected an http:// URL with no path"],
  ["imds.endpoint", "ROLEWATCH_IMDS_ENDPOINT", "169.254.169.254", "expected an http:// URL with no path, such as http://169.254.169.254"],
  ["imds.endpoint", "ROLEWATCH_IMDS_ENDPOINT", "http://169.254.169.254/latest", "expected an http:// URL with no path"],
  ["imds.endpoint", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://u:p@10.0.0.1", "expected an http:// URL with no path"],
  ["imds.tokenTtl", "ROLEWATCH_IMDS_TOKEN_TTL", "0", "expected whole seconds from 1 to 21600, or a duration up to 6h"],
  ["imds.tokenTtl", "ROLEWATCH_IMDS_TOKEN_TTL", "21601", "expected whole seconds from 1 to 21600"],
  ["imds.tokenTtl", "ROLEWATCH_IMDS_TOKEN_TTL", "7h", "expected whole seconds from 1 to 21600"],
  ["imds.tokenTtl", "ROLEWATCH_IMDS_TOKEN_TTL", "1.5", "expected whole seconds from 1 to 21600"],
  ["imds.timeout", "ROLEWATCH_IMDS_TIMEOUT", "50ms", "expected a duration from 100ms to 30s"],
  ["imds.timeout", "ROLEWATCH_IMDS_TIMEOUT", "31s", "expected a duration from 100ms to 30s"],
  ["imds.timeout", "ROLEWATCH_IMDS_TIMEOUT", "fast", "expected a duration from 100ms to 30s"],
  ["imds.allowV1", "ROLEWATCH_IMDS_ALLOW_V1", "maybe", "expected a boolean: true/false, yes/no, on/off or 1/0"],
  ["poll.interval", "ROLEWATCH_POLL_INTERVAL", "7s", `expected a duration a cron schedule repeats evenly: ${CRON_STEPS}`],
  ["poll.interval", "ROLEWATCH_POLL_INTERVAL", "45s", `expected a duration a cron schedule repeats evenly: ${CRON_STEPS}`],
  ["poll.interval", "ROLEWATCH_POLL_INTERVAL", "7m", `expected a duration a cron schedule repeats evenly: ${CRON_STEPS}`],
  ["poll.interval", "ROLEWATCH_POLL_INTERVAL", "90m", `expected a duration a cron schedule repeats evenly: ${CRON_STEPS}`],
  ["sts.interval", "ROLEWATCH_STS_INTERVAL", "30s", "expected a duration from 1m to 6h"],
  ["sts.interval", "ROLEWATCH_STS_INTERVAL", "6h1s", "expected a duration from 1m to 6h"],
  ["controlPlane.interval", "ROLEWATCH_CONTROL_PLANE_INTERVAL", "59s", "expected a duration from 1m to 1h"],
  ["controlPlane.interval", "ROLEWATCH_CONTROL_PLANE_INTERVAL", "2h", "expected a duration from 1m to 1h"],
  ["controlPlane.association", "ROLEWATCH_CONTROL_PLANE_ASSOCIATION", "2", "expected a boolean: true/false, yes/no, on/off or 1/0"],
  ["region", "ROLEWATCH_REGION", "US East", "expected an AWS region name such as us-east-1"],
  ["region", "ROLEWATCH_REGION", "useast1", "expected an AWS region name such as us-east-1"],
  ["http.listen", "ROLEWATCH_HTTP_LISTEN", "9725", "expected host:port, :port (every interface) or [ipv6]:port, with a port from 0 to 65535"],
  ["http.listen", "ROLEWATCH_HTTP_LISTEN", "::1:9725", "expected host:port, :port (every interface) or [ipv6]:port"],
  ["http.listen", "ROLEWATCH_HTTP_LISTEN", ":65536", "(port out of range); expected host:port"],
  ["http.listen", "ROLEWATCH_HTTP_LISTEN", "[fe80::zz]:80", "expected host:port"],
  ["http.listen", "ROLEWATCH_HTTP_LISTEN", "bad host:80", "expected host:port"],
  ["http.maxConnections", "ROLEWATCH_HTTP_MAX_CONNECTIONS", "0", "expected an integer from 1 to 512"],
  ["http.maxConnections", "ROLEWATCH_HTTP_MAX_CONNECTIONS", "513", "expected an integer from 1 to 512"],
  ["http.maxConnections", "ROLEWATCH_HTTP_MAX_CONNECTIONS", "64.5", "expected an integer from 1 to 512"],
  ["log.level", "ROLEWATCH_LOG_LEVEL", "verbose", "expected one of fatal, error, warn, info, debug"],
];

describe("each rule's rejection names the key, the value, where it came from, and what is allowed", () => {
  it.each(rejected)("%s from %s = %j", (key, env, value, allowed) => {
    const problems = problemsOf({ env: { [env]: value } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${key}: invalid value ${JSON.stringify(value)} from env ${env}`);
    expect(problems[0]).toContain(allowed);
  });

  it("names the flag a value came from", () => {
    expect(problemsOf({ argv: ["--state-dir="] })).toEqual([
      'state.dir: invalid value "" from --state-dir; expected a non-empty path',
    ]);
  });

  it("names the file and line a value came from", () => {
    expect(problemsOf({ yaml: "# rolewatch\npoll:\n  interval: 7s\n" })).toEqual([
      `poll.interval: invalid value "7s" from ${DEFAULT_FILE}:3; expected a duration a cron schedule repeats evenly: ${CRON_STEPS}`,
    ]);
  });

  it("shows a YAML value of the wrong shape by its shape", () => {
    expect(problemsOf({ yaml: "log:\n  level: [debug]\nimds:\n  allowV1: {a: 1}\n" })).toEqual([
      `log.level: invalid value a list from ${DEFAULT_FILE}:2; expected one of fatal, error, warn, info, debug`,
      `imds.allowV1: invalid value a map from ${DEFAULT_FILE}:4; expected a boolean: true/false, yes/no, on/off or 1/0`,
    ]);
  });
});

describe("every problem is reported at once", () => {
  const sources = {
    yaml: "poll:\n  interval: 45s\n  intervl: 5s\nlog:\n  level: loud\n",
    env: { ROLEWATCH_IMDS_TIMEOUT: "1ms", ROLEWATCH_REGION: "mars" },
    argv: ["--pol-interval", "5s", "--listen", "nope", "--imds-token-ttl"],
  };

  it("from the file (its shape, then its values), the environment and the flags, in that order", () => {
    expect(problemsOf(sources)).toEqual([
      `${DEFAULT_FILE}:3: unknown key poll.intervl (did you mean poll.interval?)`,
      `poll.interval: invalid value "45s" from ${DEFAULT_FILE}:2; expected a duration a cron schedule repeats evenly: ${CRON_STEPS}`,
      `log.level: invalid value "loud" from ${DEFAULT_FILE}:5; expected one of fatal, error, warn, info, debug`,
      'imds.timeout: invalid value "1ms" from env ROLEWATCH_IMDS_TIMEOUT; expected a duration from 100ms to 30s (such as 500ms, 15s, 5m, 1h30m)',
      'region: invalid value "mars" from env ROLEWATCH_REGION; expected an AWS region name such as us-east-1 or eu-west-3',
      "unknown option --pol-interval (did you mean --poll-interval?)",
      'http.listen: invalid value "nope" from --listen; expected host:port, :port (every interface) or [ipv6]:port, with a port from 0 to 65535',
      "option --imds-token-ttl needs a value: whole seconds from 1 to 21600, or a duration up to 6h",
    ]);
  });

  it("even where a higher layer overrides the bad value", () => {
    const problems = problemsOf({ yaml: "log:\n  level: loud\n", argv: ["--log-level", "debug"] });
    expect(problems).toEqual([`log.level: invalid value "loud" from ${DEFAULT_FILE}:2; expected one of fatal, error, warn, info, debug`]);
  });

  it("as one ConfigError whose message carries them all, with no stack frames in it", () => {
    let caught: unknown;
    try {
      loadConfig(input(sources));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems).toHaveLength(8);
    for (const problem of error.problems) expect(error.message).toContain(problem);
    expect(error.message).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
