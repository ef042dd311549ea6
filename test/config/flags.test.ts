import { describe, expect, it } from "vitest";
import { baseUrl, bool, number, parseFlags, path, port, type FlagSpecs } from "../../src/config.js";

// The `sim` command's flags: a command's own small set goes through the same parser as the config table.
const sim = {
  "imds-port": { parser: port },
  "aws-port": { parser: port },
  "time-scale": { parser: number(1, 3600, { metavar: "K" }) },
  scenario: { parser: path("FILE") },
  "aws-backend": { parser: baseUrl({ protocols: ["http:", "https:"], example: "http://127.0.0.1:5000" }) },
  help: { parser: bool, short: "h" },
} satisfies FlagSpecs;

describe("parseFlags", () => {
  it("reads --name value and --name=value, typed by each parser", () => {
    const parsed = parseFlags(["--imds-port", "0", "--aws-port=8080", "--time-scale", "60", "--scenario=s.yaml"], sim);
    expect(parsed).toEqual({
      values: { "imds-port": 0, "aws-port": 8080, "time-scale": 60, scenario: "s.yaml" },
      problems: [],
      rest: [],
    });
  });

  it.each([
    [["--help"], true],
    [["-h"], true],
    [["--help=false"], false],
    [["--help=no"], false],
    [["--help=ON"], true],
    [["--no-help"], false],
    [["--help", "--no-help"], false],
  ])("reads the switch %j as %s", (argv, value) => {
    expect(parseFlags(argv, sim)).toEqual({ values: { help: value }, problems: [], rest: [] });
  });

  it("keeps positional arguments in order, and everything after --", () => {
    const parsed = parseFlags(["check", "--imds-port", "1", "FILE", "-", "--", "--aws-port", "x"], sim);
    expect(parsed.rest).toEqual(["check", "FILE", "-", "--aws-port", "x"]);
    expect(parsed.values).toEqual({ "imds-port": 1 });
  });

  it("lets the last of a repeated flag win", () => {
    expect(parseFlags(["--imds-port=1", "--imds-port=2"], sim).values).toEqual({ "imds-port": 2 });
  });

  it("lets a switch take a boolean word after it, and nothing else", () => {
    expect(parseFlags(["--help", "false"], sim)).toEqual({ values: { help: false }, problems: [], rest: [] });
    expect(parseFlags(["--help", "No"], sim)).toEqual({ values: { help: false }, problems: [], rest: [] });
    expect(parseFlags(["--help", "FILE"], sim)).toEqual({ values: { help: true }, problems: [], rest: ["FILE"] });
    expect(parseFlags(["--no-help", "true"], sim)).toEqual({ values: { help: false }, problems: [], rest: ["true"] });
  });

  it.each([
    [["--imds-prot", "1"], "unknown option --imds-prot (did you mean --imds-port?)"],
    [["--scenaro=x"], "unknown option --scenaro (did you mean --scenario?)"],
    [["--zzzzzz"], "unknown option --zzzzzz"],
    [["-x"], "unknown option -x"],
    [["--no-imds-port"], "unknown option --no-imds-port (did you mean --imds-port?)"],
    [["--imds-port"], "option --imds-port needs a value: an integer from 0 to 65535"],
    [["--imds-port", "--aws-port", "1"], "option --imds-port needs a value: an integer from 0 to 65535"],
    [["--no-help=true"], "option --no-help takes no value"],
    [["--imds-port", "65536"], '--imds-port: invalid value "65536"; expected an integer from 0 to 65535'],
    [["--time-scale=0"], '--time-scale: invalid value "0"; expected a number from 1 to 3600'],
    [["--help=maybe"], '--help: invalid value "maybe"; expected a boolean: true/false, yes/no, on/off or 1/0'],
    [["--aws-backend", "ftp://h"], '--aws-backend: invalid value "ftp://h"; expected an http:// or https:// URL'],
  ])("reports %j as %j", (argv, problem) => {
    const { problems } = parseFlags(argv, sim);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });

  it("reports every bad flag, not just the first", () => {
    const { problems } = parseFlags(["--imds-prot", "1", "--aws-port=x", "--time-scale", "-5", "--help=2"], sim);
    expect(problems).toHaveLength(4);
  });

  it("reads a negative number as a value, not as a flag", () => {
    const { problems } = parseFlags(["--time-scale", "-5"], sim);
    expect(problems).toEqual(['--time-scale: invalid value "-5"; expected a number from 1 to 3600']);
  });
});
