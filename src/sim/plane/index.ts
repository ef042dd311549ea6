import type { ControlPlane } from "./control-plane.js";
import { callerOf } from "./caller.js";
import { ec2Plane } from "./ec2.js";
import { iamPlane } from "./iam.js";
import type { World } from "../world/world.js";

export { ADMIN_USER_ID, ADMIN_USER_NAME } from "./caller.js";
export { scheduleScenario } from "./schedule.js";

/**
 * IAM, EC2 and the STS caller lookup over a World, for the simulator's AWS API
 * port. Errors are AwsFaults as the real services answer them; what IMDS then
 * serves follows the delivery rules (world/delivery-rules.ts, docs/contract.md, Field report, S1-S7).
 */
export function worldControlPlane(world: World): ControlPlane {
  return settling(world, {
    accountId: world.accountId,
    caller: (accessKeyId) => callerOf(world, accessKeyId),
    ...iamPlane(world),
    ...ec2Plane(world),
  });
}

/** Every call first applies what came due (scheduled changes, deliveries), so that it answers of the world as it is now. */
function settling(world: World, plane: ControlPlane): ControlPlane {
  const wrapped = Object.entries(plane).map(([name, member]) => {
    if (typeof member !== "function") return [name, member] as const;
    const call = member as (...args: unknown[]) => unknown;
    const settled = (...args: unknown[]) => {
      world.settleAll();
      return call(...args);
    };
    return [name, settled] as const;
  });
  return Object.fromEntries(wrapped) as unknown as ControlPlane;
}
