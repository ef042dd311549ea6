import { foldClock, initialClock, type ClockEvent, type ClockHealth } from "./clock.js";
import { factsOf, nextStsKey } from "./facts.js";
import { foldHealth, type ControlPlaneHealth, type HealthEvent } from "./health.js";
import { trackImds, type ImdsChange, type ImdsTrack } from "./imds.js";
import type { ImdsRead, PollInput } from "./input.js";
import type { DriftKind, Severity } from "./kinds.js";
import { sourcesOf, type Answered, type SourceStates } from "./sources.js";
import { emptyState, type DriftState } from "./state.js";
import { transition, type DriftEvent } from "./transition.js";

/**
 * Everything the agent has decided so far. `drift` is what is kept across
 * restarts (its `imds` is IMDS as last read); the rest lives for one process.
 */
export interface FoldState {
  drift: DriftState;
  imds: { up: boolean | null; downSince: number | null };
  controlPlane: ControlPlaneHealth;
  /** The host clock against the Date of AWS's answers (src/drift/clock.ts). */
  clock: ClockHealth;
  /** The AccessKeyId STS last answered about (src/drift/facts.ts). */
  stsKey: string | null;
  /** The instance the identity document named; null until it is read. */
  instance: string | null;
  /** When each source last answered (src/drift/sources.ts). */
  answered: Answered;
  /** Each enabled source's state in the last observation (docs/contract.md, Source states). */
  sources: SourceStates;
}

export type FoldEvent =
  | { action: "instance-identified"; id: string; accountId: string; region: string }
  | ImdsChange
  | HealthEvent
  | ClockEvent
  | { action: "drift-detected"; kind: DriftKind; severity: Severity; since: number; detail: string }
  | { action: "drift-resolved"; kind: DriftKind; severity: Severity; since: number; durationSeconds: number; detail: string; resolution: string };

export function initialFoldState(drift: DriftState = emptyState()): FoldState {
  return { drift, imds: { up: null, downSince: null }, controlPlane: {}, clock: initialClock, stsKey: null, instance: null, answered: {}, sources: {} };
}

/**
 * The one place that decides: folds one poll's observation into the state
 * and names what changed, in the order it is reported (the instance, IMDS,
 * the control plane, the clock, the drifts). Pure: no I/O, no clock.
 */
export function fold(state: FoldState, input: PollInput, now: number): { state: FoldState; events: FoldEvent[] } {
  const events: FoldEvent[] = [];
  const { identity } = input;
  if (state.instance === null && identity !== null) {
    events.push({ action: "instance-identified", id: identity.instanceId, accountId: identity.accountId, region: identity.region });
  }
  const { track, changes } = trackImds(trackOf(state), input.imds, now);
  const { health, events: healthEvents } = foldHealth(state.controlPlane, input.aws?.calls ?? []);
  const { clock, events: clockEvents } = foldClock(state.clock, input.aws);
  const stsKey = nextStsKey(state.stsKey, input);
  const drifts = transition(state.drift, factsOf(input, stsKey, now), now);
  const { sources, answered } = sourcesOf(input, state.answered, stsKey, now);
  events.push(...changes, ...healthEvents, ...clockEvents, ...drifts.events.map(driftAction));
  const { up, downSince, profileArn, role, accessKeyId } = track;
  return {
    state: {
      drift: { ...drifts.state, imds: { profileArn, role, accessKeyId } },
      imds: { up, downSince },
      controlPlane: health,
      clock,
      stsKey,
      instance: state.instance ?? identity?.instanceId ?? null,
      answered,
      sources,
    },
    events,
  };
}

/** What IMDS changed since the last read: the fold reports it, and it makes STS and the control plane due. */
export function imdsChangesOf(state: FoldState, read: ImdsRead, now: number): ImdsChange[] {
  return trackImds(trackOf(state), read, now).changes;
}

function trackOf(state: FoldState): ImdsTrack {
  return { ...state.imds, ...(state.drift.imds ?? { profileArn: null, role: null, accessKeyId: null }) };
}

function driftAction(e: DriftEvent): FoldEvent {
  const { kind, severity, since, detail } = e;
  if (e.type === "detected") return { action: "drift-detected", kind, severity, since, detail };
  return { action: "drift-resolved", kind, severity, since, durationSeconds: e.durationSeconds, detail, resolution: e.resolution };
}
