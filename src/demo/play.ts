import { systemClock } from "../clock.js";
import type { DriftKind } from "../drift/kinds.js";
import type { Step } from "./step.js";
import type { DemoEvent, Stage } from "./stage.js";

const POLL_MS = 15_000;

export interface Outcome {
  step: Step;
  kind: DriftKind;
  transition: "detected" | "resolved";
  at: number | null;
}

/**
 * Plays the script against the stage: each step acts, then the agent polls
 * every 15 s of simulated time until the step's end shows (or its limit
 * passes). Every event the agent logs is printed as it comes; each expected
 * detection and resolution is checked, and so is every unexpected one.
 */
export async function play(stage: Stage, script: Step[], options: { paceMs: number; out: (line: string) => void }): Promise<{ started: number; outcomes: Outcome[]; unexpected: string[] }> {
  const started = stage.clock.now();
  const stamp = (at: number) => `T+${clockText(at - started)}`;
  const outcomes: Outcome[] = [];
  const unexpected: string[] = [];
  let printed = 0;
  for (const step of script) {
    options.out(`${stamp(stage.clock.now())}  ${step.id.padEnd(5)}  ${step.title}`);
    for (const command of step.commands) options.out(`${" ".repeat(20)}$ ${fill(command, stage)}`);
    const from = stage.events.length;
    step.act(stage);
    const limit = stage.clock.now() + step.limitMs;
    for (;;) {
      const report = await stage.poll();
      for (; printed < stage.events.length; printed++) options.out(eventLine(stage.events[printed] as DemoEvent, stamp));
      if (step.until(report) || stage.clock.now() >= limit) break;
      stage.clock.advance(POLL_MS);
      if (options.paceMs > 0) await systemClock.sleep(options.paceMs);
    }
    const seen = stage.events.slice(from);
    outcomes.push(...expectations(step, seen));
    unexpected.push(...seen.filter((e) => e.action === "drift-detected" && !step.detects?.includes(e.drift?.kind as DriftKind)).map((e) => `${step.id}: ${e.message}`));
  }
  return { started, outcomes, unexpected };
}

function expectations(step: Step, seen: DemoEvent[]): Outcome[] {
  const find = (action: string, kind: DriftKind) => seen.find((e) => e.action === action && e.drift?.kind === kind)?.at ?? null;
  return [
    ...(step.detects ?? []).map((kind) => ({ step, kind, transition: "detected" as const, at: find("drift-detected", kind) })),
    ...(step.resolves ?? []).map((kind) => ({ step, kind, transition: "resolved" as const, at: find("drift-resolved", kind) })),
  ];
}

const SHOWN = new Set(["drift-detected", "drift-resolved", "credentials-rotated", "role-changed", "profile-changed", "control-plane-unavailable", "control-plane-recovered"]);

function eventLine(e: DemoEvent, stamp: (at: number) => string): string {
  const mark = e.action === "drift-detected" ? "!!" : e.action === "drift-resolved" ? "ok" : "  ";
  return SHOWN.has(e.action) ? `${stamp(e.at)}    ${mark} ${e.message}` : `${stamp(e.at)}       ${e.message}`;
}

function fill(command: string, stage: Stage): string {
  const association = stage.sim.controlPlane.describeIamInstanceProfileAssociations({ instanceIds: [stage.sim.instanceId] })[0]?.associationId ?? "ASSOCIATION";
  return command.replaceAll("INSTANCE", stage.sim.instanceId).replaceAll("ASSOCIATION", association);
}

export function clockText(ms: number): string {
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}
