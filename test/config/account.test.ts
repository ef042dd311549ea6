import { describe, expect, it } from "vitest";
import { loadConfig, NOT_READ_BY, optionsHelp } from "../../src/config.js";
import { input, load, problemsOf } from "./fixtures.js";

describe("the options of rolewatch account", () => {
  it("default to a minute, the host's region, no credentials said, no role to assume and port 9726", () => {
    expect(load().account).toEqual({ intervalMs: 60_000, regions: [], credentials: null, assumeRoles: [], listen: { host: "", port: 9726 } });
    expect(load().controlPlane.source).toBe("local");
  });

  it("take lists as YAML sequences, or comma-separated in the environment and flags, without duplicates", () => {
    const arn = "arn:aws:iam::111122223333:role/rolewatch-account";
    const other = "arn:aws:iam::444455556666:role/ops/rolewatch-account";
    expect(load({ yaml: `account:\n  regions: [eu-west-1, us-east-1]\n  assumeRoles:\n    - ${arn}\n    - ${other}\n` }).account)
      .toMatchObject({ regions: ["eu-west-1", "us-east-1"], assumeRoles: [arn, other] });
    expect(load({ env: { ROLEWATCH_ACCOUNT_REGIONS: "eu-west-1, eu-west-1,us-east-2" } }).account.regions).toEqual(["eu-west-1", "us-east-2"]);
    expect(load({ argv: ["--account-assume-roles", `${arn},${arn}`] }).account.assumeRoles).toEqual([arn]);
  });

  it("refuse what is not a region, a role ARN or a credentials source, naming the key", () => {
    const problems = problemsOf({ argv: ["--account-regions", "us-east-1,../etc", "--account-assume-roles", "arn:aws:iam::1:role/x", "--account-credentials", "chain"] });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^account\.regions: invalid value "us-east-1,\.\.\/etc" from --account-regions \("\.\.\/etc" is not an AWS region/);
    expect(problems[1]).toMatch(/^account\.assumeRoles: invalid value/);
    expect(problems[2]).toMatch(/^account\.credentials: invalid value "chain" .*expected one of environment, imds/);
  });

  it("are refused as flags of run and check, and run's and check's own as flags of account", () => {
    const refused = (command: "run" | "check" | "account", argv: string[]) => {
      try {
        loadConfig({ ...input({ argv }), unused: { command, keys: NOT_READ_BY[command] } });
        return [];
      } catch (error) {
        return (error as { problems: string[] }).problems;
      }
    };
    expect(refused("run", ["--account-interval", "2m"])).toEqual(["--account-interval: rolewatch run does not use account.interval (only rolewatch account does)"]);
    expect(refused("check", ["--account-listen", ":1"])).toEqual(["--account-listen: rolewatch check does not use account.listen (only rolewatch account does)"]);
    expect(refused("account", ["--poll-interval", "30s", "--control-plane-source", "account"])).toEqual([
      "--poll-interval: rolewatch account does not use poll.interval (only rolewatch run does)",
      "--control-plane-source: rolewatch account does not use controlPlane.source (only rolewatch run and rolewatch check do)",
    ]);
    expect(refused("account", ["--region", "eu-west-1", "--log-level", "debug", "--account-credentials", "imds"])).toEqual([]);
  });

  it("appear only in the --help of the commands that read them", () => {
    expect(optionsHelp(NOT_READ_BY.run)).not.toContain("--account-");
    expect(optionsHelp(NOT_READ_BY.run)).not.toContain("Account exporter");
    expect(optionsHelp(NOT_READ_BY.account)).toContain("--account-assume-roles");
    expect(optionsHelp(NOT_READ_BY.account)).not.toContain("--poll-interval");
  });
});
