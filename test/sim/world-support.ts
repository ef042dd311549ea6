import { ManualClock } from "../../src/clock.js";
import { worldControlPlane } from "../../src/sim/plane/index.js";
import { metadataTree, resolve } from "../../src/sim/imds/tree.js";
import { defaultScenario, World, type Scenario } from "../../src/sim/index.js";
import { seededRandom } from "../../src/sim/world/random.js";
import { SIM_START } from "../support/sim-http.js";
import { expect } from "vitest";
import { AwsFault } from "../../src/sim/plane/control-plane.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const START = Date.parse(SIM_START);

/** The field report's world on a ManualClock, its control plane, and what IMDS shows its instance. */
export function seedWorld(scenario: Scenario = defaultScenario()) {
  const clock = new ManualClock(START);
  const world = new World(scenario, { clock, random: seededRandom("delivery rules") });
  const plane = worldControlPlane(world);
  const id = [...world.instances.keys()][0] ?? "";
  const imds = (path: string) => resolve(metadataTree(world, world.instance(id), clock.now(), "2.0"), path);
  return {
    world,
    plane,
    clock,
    id,
    /** Moves the clock to `ms` after the start. */
    at: (ms: number) => clock.set(START + ms),
    served: () => world.served(id),
    key: () => world.served(id)?.issue.v2.accessKeyId ?? null,
    roleId: (name: string) => world.roles.get(name)?.roleId,
    /** IMDS `iam/info` as JSON, or null for its 404. */
    info: () => {
      const body = imds("/latest/meta-data/iam/info");
      return body === null ? null : (JSON.parse(body) as Record<string, string>);
    },
    /** IMDS `iam/security-credentials/` listing, or null for its 404. */
    roleListed: () => imds("/latest/meta-data/iam/security-credentials/"),
  };
}

/** The AWS error an action raises, as the API port would send it; fails the test when none is raised. */
export function fault(action: () => unknown): { code: string; message: string; status: number } {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsFault);
    const { code, message, status } = error as AwsFault;
    return { code, message, status };
  }
  throw new Error("no fault was raised");
}
