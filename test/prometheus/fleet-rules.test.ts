import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { CONTROL_PLANE_DRIFTS } from "../../src/agent/fleet.js";
import { SEVERITY, type DriftKind } from "../../src/drift/kinds.js";
import { findTool, requireTool } from "../support/require-tool.js";

/*
 * Fleet mode's rules (packaging/prometheus/rolewatch-fleet.yml): each control-plane drift kind the
 * local engine decides, as a join of the agents' rolewatch_served_info with the account exporter's
 * series, alerting as the local alerts do. Their behaviour is in fleet-tests.yml; end to end in
 * test/prometheus/fleet-mode.test.ts.
 */

const promtool = findTool("promtool", "apt-get install prometheus");
const amtool = findTool("amtool", "apt-get install prometheus-alertmanager");
const dir = fileURLToPath(new URL("../../packaging/prometheus/", import.meta.url));

/** Revoked sessions are an inline policy on each role, which no account-wide listing the exporter reads carries (docs/contract.md, Account exporter). */
const NOT_JOINED: readonly DriftKind[] = ["credentials_revoked"];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function rules(file: string): Rule[] {
  return (YAML.parse(readFileSync(dir + file, "utf8")) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
}

function run(tool: string, args: string[], cwd = dir): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(tool, args, { cwd, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The runbook paragraph of each kind in an alert's description: the text of its `if eq $labels.kind` branch. */
function runbooks(rule: Rule | undefined): Map<string, string> {
  const text = rule?.annotations?.description ?? "";
  return new Map([...text.matchAll(/eq \$labels\.kind "(\w+)" -\}\}\s*([\s\S]*?)\s*\{\{-/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}

describe("fleet mode's rules in packaging/prometheus", () => {
  it("pass promtool check rules with every lint", (ctx) => {
    requireTool(ctx, promtool);
    const result = run("promtool", ["check", "rules", "--lint=all", "--lint-fatal", "rolewatch-fleet.yml"]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).not.toMatch(/warn|duplicate/i);
  });

  it("pass their unit tests (promtool test rules fleet-tests.yml): each kind on exactly its instances, the alerts, their end, and the uncovered", (ctx) => {
    requireTool(ctx, promtool);
    const result = run("promtool", ["test", "rules", "fleet-tests.yml"]);
    expect(result, result.stdout).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain("SUCCESS");
  });

  it("record every control-plane drift kind the agent leaves to fleet mode, but revoked sessions, once", () => {
    const recorded = rules("rolewatch-fleet.yml").filter((r) => r.record).map((r) => r.labels?.kind ?? "");
    expect(recorded.sort()).toEqual(CONTROL_PLANE_DRIFTS.filter((k) => !NOT_JOINED.includes(k)).sort());
  });

  it("alert on each kind under the local alert of its severity, with the local alert's runbook text", () => {
    const local = rules("rolewatch-alerts.yml");
    const fleet = rules("rolewatch-fleet.yml");
    for (const name of ["RolewatchDriftCritical", "RolewatchDriftWarning"]) {
      const rule = fleet.find((r) => r.alert === name);
      const kinds = /kind=~?"([^"]+)"/.exec(rule?.expr ?? "")?.[1]?.split("|") ?? [];
      const severity = rule?.labels?.severity;
      expect(kinds.length, name).toBeGreaterThan(0);
      for (const kind of kinds) expect(SEVERITY[kind as DriftKind], kind).toBe(severity);
      const mine = runbooks(rule);
      const theirs = runbooks(local.find((r) => r.alert === name));
      expect([...mine.keys()].sort()).toEqual([...kinds].sort());
      for (const kind of kinds) expect(mine.get(kind), kind).toBe(theirs.get(kind));
    }
  });

  it("come with an example Prometheus configuration that promtool check config accepts with the four rule files", (ctx) => {
    requireTool(ctx, promtool);
    const result = run("promtool", ["check", "config", "--lint=all", "--lint-fatal", dir + "prometheus-fleet.example.yml"], tmpdir());
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain("SUCCESS: 3 rule files found");
    expect(result.stdout).toContain(`Checking ${dir}rolewatch-fleet.yml`);
  });

  it("come with an example Alertmanager configuration, a webhook to a SIEM with resolved notifications, that amtool accepts", (ctx) => {
    requireTool(ctx, amtool);
    const result = run("amtool", ["check-config", "alertmanager.example.yml"]);
    expect(result, result.stdout + result.stderr).toMatchObject({ status: 0 });
    expect(result.stdout).toContain("SUCCESS");
    const config = YAML.parse(readFileSync(dir + "alertmanager.example.yml", "utf8")) as { receivers: { webhook_configs?: { send_resolved?: boolean }[] }[] };
    const hooks = config.receivers.flatMap((r) => r.webhook_configs ?? []);
    expect(hooks.length).toBeGreaterThan(0);
    for (const hook of hooks) expect(hook.send_resolved).toBe(true);
  });
});
