import { isoSeconds } from "../../clock.js";
import type { ScenarioStep } from "../scenario/scenario.js";
import type { World } from "../world/world.js";
import { addRoleToInstanceProfile, createInstanceProfile, deleteInstanceProfile, removeRoleFromInstanceProfile } from "./iam.js";
import { putRolePolicy, REVOKE_POLICY_NAME, revokePolicyDocument } from "./iam-policies.js";

/**
 * A scenario's schedule (scenario.ts, ScenarioStep) on the world's timeline:
 * each step is the IAM call the aws CLI would make, made at `atSeconds` after
 * the world was built, with IAM's own checks; one IAM refuses at its time is
 * skipped and its error kept (World.timeline).
 */
export function scheduleScenario(world: World, steps: readonly ScenarioStep[]): void {
  for (const step of steps) {
    world.timeline.add({ at: world.startedAt + step.atSeconds * 1000, what: describe(step), apply: (at) => apply(world, step, at) });
  }
}

function apply(world: World, step: ScenarioStep, at: number): void {
  if (step.revokeSessions) {
    // What the console's "Revoke active sessions" puts: sessions issued before this moment are denied.
    const document = revokePolicyDocument(isoSeconds(at));
    putRolePolicy(world, { roleName: step.revokeSessions.role, policyName: REVOKE_POLICY_NAME, document }, at);
  }
  if (step.removeRole) removeRoleFromInstanceProfile(world, step.removeRole.instanceProfile, step.removeRole.role, at);
  if (step.addRole) addRoleToInstanceProfile(world, step.addRole.instanceProfile, step.addRole.role, at);
  if (step.deleteInstanceProfile) deleteInstanceProfile(world, step.deleteInstanceProfile.instanceProfile, at);
  if (step.createInstanceProfile) createInstanceProfile(world, { name: step.createInstanceProfile.instanceProfile }, at);
}

/** The step as a line of the record: "removeRole RedRole from MyInPr". */
function describe(step: ScenarioStep): string {
  if (step.revokeSessions) return `revokeSessions ${step.revokeSessions.role}`;
  if (step.removeRole) return `removeRole ${step.removeRole.role} from ${step.removeRole.instanceProfile}`;
  if (step.addRole) return `addRole ${step.addRole.role} to ${step.addRole.instanceProfile}`;
  if (step.deleteInstanceProfile) return `deleteInstanceProfile ${step.deleteInstanceProfile.instanceProfile}`;
  return `createInstanceProfile ${step.createInstanceProfile?.instanceProfile ?? ""}`;
}
