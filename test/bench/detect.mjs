/**
 * Detection latency of a role swap (docs/contract.md, Field report, S3), on a fake clock: from the swap
 * in the control plane to rolewatch_drift{kind="profile_role_mismatch"} = 1,
 * and from IMDS delivering the new role (the simulator's swap delay later) to
 * the gauge's return to 0. Each trial is another instance (its id sets its
 * control-plane slot) with the swap at a random moment; a seeded generator
 * makes every run play the same trials.
 */
import { fakeHost, HOUR, MINUTE, POLL } from "./fake-time.mjs";

const dist = new URL("../../dist/", import.meta.url);
const { instancePhase } = await import(new URL("aws/schedule.js", dist).href);
const KIND = "profile_role_mismatch";

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const instanceIdFrom = (random) => `i-0${Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join("")}`;

function swap(host) {
  host.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
  host.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
}

/** Polls every POLL until the gauge reads `value`; resolves with the fake time of that poll. */
async function pollUntil(host, value, limit) {
  for (;;) {
    await host.agent.poll();
    if ((await host.drift(KIND)) === value) return host.clock.now();
    if (host.clock.now() > limit) throw new Error(`${KIND} did not turn ${value} in time`);
    host.clock.advance(POLL);
  }
}

/** Polls until the poll due at or before `at` is done, then moves the clock to `at` (between two polls). */
async function pollThrough(host, at) {
  for (;;) {
    await host.agent.poll();
    if ((await host.drift(KIND)) !== 0) throw new Error(`${KIND} open before the swap`);
    if (host.clock.now() + POLL > at) return host.clock.set(at);
    host.clock.advance(POLL);
  }
}

/** One swap, at the time `swapAt(host)` polls up to and returns; latencies in seconds. */
async function trial(instanceId, swapAt) {
  const host = await fakeHost(instanceId);
  try {
    const start = host.clock.now();
    const swappedAt = await swapAt(host);
    if (host.clock.now() < swappedAt) host.clock.set(swappedAt);
    swap(host);
    host.clock.set(Math.ceil(swappedAt / POLL) * POLL);
    const detectedAt = await pollUntil(host, 1, swappedAt + HOUR);
    const deliveredAt = swappedAt + host.sim.world.delays.swapMs;
    host.clock.advance(POLL);
    const resolvedAt = await pollUntil(host, 0, deliveredAt + HOUR);
    if (host.agent.last?.imds.role !== "BlueRole") throw new Error("resolved before IMDS served the new role");
    return {
      instanceId,
      swapAfterStartSeconds: (swappedAt - start) / 1000,
      detectSeconds: (detectedAt - swappedAt) / 1000,
      resolveSeconds: (resolvedAt - deliveredAt) / 1000,
    };
  } finally {
    await host.close();
  }
}

/** `count` trials: a random instance id each, the swap uniformly within 2 to 62 min after the agent started. */
export async function detectionTrials(count, seed = 20261129) {
  const random = seeded(seed);
  const trials = [];
  for (let i = 0; i < count; i++) {
    const instanceId = instanceIdFrom(random);
    const offset = 2 * MINUTE + random() * HOUR;
    trials.push(await trial(instanceId, async (host) => {
      const at = host.clock.now() + offset;
      await pollThrough(host, at);
      return at;
    }));
  }
  return trials;
}

/**
 * The slowest cases the schedule allows: the swap 1 ms after a control-plane
 * read, either a regular one (on the instance's slot) or one that a change in
 * IMDS (here a rotation) triggered just past the middle of the slot window,
 * where a schedule that spaced reads by at least half an interval would wait
 * 1.5 intervals for the next one.
 */
export async function worstCases(controlPlaneIntervalMs = 5 * MINUTE) {
  const instanceId = "i-0d4c8f2b7a91e3c56";
  const phase = instancePhase(instanceId, controlPlaneIntervalMs);
  const intoWindow = (t) => (((t - phase) % controlPlaneIntervalMs) + controlPlaneIntervalMs) % controlPlaneIntervalMs;
  // The first poll 10 min in or later whose place in the slot window passes `test`.
  const firstPoll = (host, test) => {
    let t = host.clock.now() + 10 * MINUTE;
    while (!test(intoWindow(t))) t += POLL;
    return t;
  };
  const afterRead = (test, change) => async (host) => {
    const t = firstPoll(host, test);
    await pollThrough(host, t - 1);
    host.clock.set(t);
    change(host);
    await host.agent.poll();
    return t + 1;
  };
  return {
    afterRegularRead: await trial(instanceId, afterRead((into) => into < POLL, () => {})),
    afterChangeRead: await trial(instanceId, afterRead((into) => into > controlPlaneIntervalMs / 2, (host) => host.sim.rotateNow())),
  };
}
