import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { DRIFT_KINDS, SEVERITY } from "../../src/drift/kinds.js";
import { findTool, requireTool } from "../support/require-tool.js";

const promtool = findTool("promtool", "apt-get install prometheus");
const dir = fileURLToPath(new URL("../../packaging/prometheus/", import.meta.url));
const RULE_FILES = ["rolewatch-alerts.yml", "rolewatch-records.yml"];

function run(args: string[], cwd = dir): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function alertRules(): Rule[] {
  const file = YAML.parse(readFileSync(dir + "rolewatch-alerts.yml", "utf8")) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((g) => g.rules);
}

describe("the Prometheus rules and example configuration in packaging/prometheus", () => {
  it.for(RULE_FILES)("%s passes promtool check rules with every lint, and no warning", (file, ctx) => {
    requireTool(ctx, promtool);
    const result = run(["check", "rules", "--lint=all", "--lint-fatal", file]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.stdout).not.toMatch(/warn|duplicate/i);
  });

  it("passes its unit tests (promtool test rules tests.yml): each alert fires when it should and not before, each record has its value", (ctx) => {
    requireTool(ctx, promtool);
    const result = run(["test", "rules", "tests.yml"]);
    expect(result, result.stdout).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain("SUCCESS");
  });

  it("gives an example scrape configuration that promtool check config accepts, with the rule files beside it wherever it is read from", (ctx) => {
    requireTool(ctx, promtool);
    const result = run(["check", "config", "--lint=all", "--lint-fatal", dir + "prometheus.example.yml"], tmpdir());
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain("SUCCESS: 2 rule files found");
    for (const file of RULE_FILES) expect(result.stdout).toContain(`Checking ${dir}${file}`);
  });

  it("pages for exactly the critical drift kinds and warns for exactly the warning ones (docs/contract.md, Drift kinds)", () => {
    const kindsOf = (alert: string) => {
      const rule = alertRules().find((r) => r.alert === alert);
      const regex = /kind=~"([^"]+)"/.exec(rule?.expr ?? "")?.[1] ?? "";
      return { kinds: regex.split("|").sort(), severity: rule?.labels?.severity };
    };
    const withSeverity = (severity: string) => DRIFT_KINDS.filter((k) => SEVERITY[k] === severity).sort();
    expect(kindsOf("RolewatchDriftCritical")).toEqual({ kinds: withSeverity("critical"), severity: "critical" });
    expect(kindsOf("RolewatchDriftWarning")).toEqual({ kinds: withSeverity("warning"), severity: "warning" });
  });

  it("explains every drift kind in the description of the alert that reports it", () => {
    const templates = alertRules()
      .filter((r) => r.alert?.startsWith("RolewatchDrift"))
      .map((r) => r.annotations?.description ?? "")
      .join("\n");
    for (const kind of DRIFT_KINDS) expect(templates).toContain(`eq $labels.kind "${kind}"`);
  });

  it("gives every alert a severity, a summary, a description, and a deliberate `for`", () => {
    for (const rule of alertRules()) {
      expect(rule, rule.alert).toMatchObject({
        for: expect.stringMatching(/^\d+[smh]$/),
        labels: { severity: expect.stringMatching(/^(critical|warning)$/) },
        annotations: { summary: expect.any(String), description: expect.any(String) },
      });
    }
  });
});
