/**
 * When a separate `rolewatch run` reads the control plane on its own (docs/contract.md, Observation model,
 * src/aws/schedule.ts): at start, on every change IMDS shows (an hourly
 * rotation among them), and on its instance's slot every interval, the first
 * slot at least half an interval after the last read. A replay that changes
 * the control plane with the aws CLI needs to know this: a change made when
 * the last read is half an interval old is read at the next slot, within one
 * interval; and a read that falls between two commands (a swap is a removal,
 * then an add) would see a half-made change.
 */
import { instancePhase } from "../../src/aws/schedule.js";
import { CONTROL_PLANE_MS, POLL_MS, sleep, type AgentProcess } from "./seed-agent.js";
import type { SimProcess } from "./seed-sim.js";

/** A read due at t happens at the first poll at or after t, give or take the poll's own time. */
const READ_SPREAD_MS = POLL_MS + 500;

/** The agent's slots from `from` on: t ≡ phase (mod interval), the phase drawn from the instance id. */
export function slotsAfter(instanceId: string, from: number, count = 3): number[] {
  const phase = instancePhase(instanceId, CONTROL_PLANE_MS);
  const first = phase + Math.ceil((from - phase) / CONTROL_PLANE_MS) * CONTROL_PLANE_MS;
  return Array.from({ length: count }, (_, i) => first + i * CONTROL_PLANE_MS);
}

/** Instants from which the agent may read the control plane without being told to: its slots, and hourly rotations. */
async function possibleReads(sim: SimProcess, agent: AgentProcess, from: number): Promise<{ slots: number[]; rotations: number[] }> {
  const { imds } = await agent.status();
  return { slots: slotsAfter(sim.instanceId, from), rotations: imds.lastUpdated ? sim.clock.hourlyPoints(imds.lastUpdated, from) : [] };
}

export interface Lull {
  /** The agent has not read the control plane for this long (0: no matter). */
  quietMs: number;
  /** And will not read it on its own for this long: the commands about to run have the field to themselves. */
  clearMs: number;
  /** false: only an hourly rotation matters (a key about to be compared), not a read on a slot. */
  slots?: boolean;
  /** No hourly rotation for this long (default clearMs): served credentials that must outlive the commands. */
  rotationClearMs?: number;
  timeoutMs: number;
}

/**
 * Waits for a lull in the agent's own control-plane reads; returns when it
 * began. With quietMs ≥ half an interval, a change made now is first read at
 * the next slot: within one interval and a poll.
 */
export async function awaitLull(sim: SimProcess, agent: AgentProcess, lull: Lull): Promise<number> {
  const samples: { at: number; reads: number }[] = [];
  const deadline = Date.now() + lull.timeoutMs;
  for (;;) {
    const now = Date.now();
    const reads = (await agent.metrics()).controlPlaneReads();
    samples.push({ at: now, reads });
    // The counter only grows: the same count as a sample quietMs old means no read since.
    const quiet = lull.quietMs === 0 || samples.some((s) => s.at <= now - lull.quietMs && s.reads === reads);
    const due = await possibleReads(sim, agent, now - READ_SPREAD_MS);
    const clearFor = (ms: number) => (t: number) => t + READ_SPREAD_MS < now || t > now + ms;
    const clear = (lull.slots === false || due.slots.every(clearFor(lull.clearMs))) && due.rotations.every(clearFor(lull.rotationClearMs ?? lull.clearMs));
    if (quiet && clear) return now;
    if (now > deadline) throw new Error(`no lull in the agent's control-plane reads (${JSON.stringify(lull)}) within ${lull.timeoutMs} ms`);
    await sleep(250);
  }
}
