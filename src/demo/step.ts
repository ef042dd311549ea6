/** The pieces every scripted step is made of: what a step is, the simulator moves it makes, and what it waits for. */
import type { CheckReport } from "../agent/report.js";
import type { DriftKind } from "../drift/kinds.js";
import type { Stage } from "./stage.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const open = (kind: DriftKind) => (r: CheckReport) => r.drifts.some((d) => d.kind === kind);
export const clear = (r: CheckReport) => r.drifts.length === 0;

/** One move of the field report's experiment, and what the agent must show for it. */
export interface Step {
  id: string;
  title: string;
  /** The aws CLI command a user would type; the demo calls the simulator's control plane directly. */
  commands: string[];
  act(stage: Stage): void;
  /** The step is played until this holds, for at most `limitMs` of simulated time. */
  until: (report: CheckReport) => boolean;
  limitMs: number;
  detects?: DriftKind[];
  resolves?: DriftKind[];
}

export const iam = (s: Stage) => s.sim.controlPlane;
export const instance = (s: Stage) => s.sim.instanceId;
export const association = (s: Stage) => iam(s).describeIamInstanceProfileAssociations({ instanceIds: [instance(s)] })[0]?.associationId ?? "";

export function swap(from: string, to: string): Pick<Step, "commands" | "act"> {
  return {
    commands: [
      `aws iam remove-role-from-instance-profile --instance-profile-name MyInPr --role-name ${from}`,
      `aws iam add-role-to-instance-profile --instance-profile-name MyInPr --role-name ${to}`,
    ],
    act: (s) => {
      iam(s).removeRoleFromInstanceProfile("MyInPr", from);
      iam(s).addRoleToInstanceProfile("MyInPr", to);
    },
  };
}

export const nothing = (): void => {};
