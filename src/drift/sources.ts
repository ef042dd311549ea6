import { reason } from "./health.js";
import type { Failure, FreshFor, PollInput, Seen } from "./input.js";

export type { FreshFor } from "./input.js";

/** The sources an observation reads (docs/contract.md, Source states). */
export const SOURCE_NAMES = ["imds", "sts", "profile", "association"] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/**
 * How one source stands in one observation. `fresh`: it answered within its
 * cadence and its last call has not failed; `stale`: it answered before
 * (`since`, the time of that answer) but not now; `unknown`: it never
 * answered; `none`: there is nothing to ask it, which is a fact, not a failure.
 */
export type SourceState =
  | { state: "fresh"; since: number }
  | { state: "stale"; since: number; reason: string }
  | { state: "unknown"; reason: string }
  | { state: "none"; reason: string };

export type SourceStates = Partial<Record<SourceName, SourceState>>;

/** When each source last answered: the fold's memory between polls. */
export type Answered = Partial<Record<SourceName, number>>;

/** The state's reason for the control-plane sources in fleet mode (docs/contract.md, Source states). */
export const READ_BY_ACCOUNT = "read by the account exporter (controlPlane.source: account)";

/** The defaults' windows (docs/contract.md, Observation model): 15 and 5 min, each plus the margin. */
export const DEFAULT_FRESH_FOR: FreshFor = freshFor({ stsMs: 15 * 60_000, controlPlaneMs: 5 * 60_000, pollMs: 15_000 });

/**
 * A call due at the end of its interval is made by the first poll after it, and a failing
 * one waits at least a minute before the next try (src/aws/observer.ts BACKOFF_BASE_MS):
 * two polls and a minute cover both.
 */
export function freshFor(cadence: { stsMs: number; controlPlaneMs: number; pollMs: number }): FreshFor {
  const margin = 2 * cadence.pollMs + 60_000;
  return { stsMs: cadence.stsMs + margin, controlPlaneMs: cadence.controlPlaneMs + margin };
}

/** Each enabled source's state in this observation, and the answer times to remember. */
export function sourcesOf(input: PollInput, prev: Answered, stsKey: string | null, now: number): { sources: SourceStates; answered: Answered } {
  const answered: Answered = { ...prev };
  const imds = input.imds;
  if (imds.ok) answered.imds = now;
  const sources: SourceStates = { imds: imds.ok ? { state: "fresh", since: now } : lapsed(prev.imds, `${imds.failure} reading ${imds.path}`) };
  const window = input.freshFor ?? DEFAULT_FRESH_FOR;
  const served = imds.ok ? imds.view.credentials : null;
  const key = served && "accessKeyId" in served ? served.accessKeyId : null;
  const noProfile = imds.ok && imds.view.info === null;
  const aws = input.aws;
  const why = input.identity !== null ? "not consulted" : `the instance is not identified yet (identity document ${input.identityProblem ?? "unread"})`;
  if (imds.ok && key === null) sources.sts = { state: "none", reason: "IMDS serves no credentials to confirm" };
  else if (aws === null) sources.sts = lapsed(prev.sts, why);
  else {
    sources.sts = awsState(aws.sts, prev.sts, window.stsMs, now, (f) => f.kind === "rejected");
    if (key !== null && stsKey !== key && sources.sts.state === "fresh") sources.sts = { state: "stale", since: sources.sts.since, reason: `STS has not yet confirmed AccessKeyId ${key}` };
  }
  const nothing = input.controlPlaneBy === "account" ? READ_BY_ACCOUNT
    : noProfile ? "no instance profile is attached" : imds.ok && key === null ? "IMDS serves no credentials to sign the call with" : null;
  sources.profile = controlPlaneState(aws?.profile, nothing, prev.profile, window.controlPlaneMs, now, why);
  if (aws?.association !== "disabled") sources.association = controlPlaneState(aws?.association, nothing, prev.association, window.controlPlaneMs, now, why);
  for (const name of SOURCE_NAMES) {
    const s = sources[name];
    if (s?.state === "fresh") answered[name] = s.since;
  }
  return { sources, answered };
}

function controlPlaneState<T>(view: Seen<T> | undefined, nothing: string | null, prev: number | undefined, windowMs: number, now: number, why: string): SourceState {
  if (nothing !== null && (view === undefined || view.state === "never")) return { state: "none", reason: nothing };
  if (view === undefined) return lapsed(prev, why);
  return awsState(view, prev, windowMs, now, (f) => f.kind === "not-found");
}

/**
 * Fresh: the last call answered (a value, or a failure that is an answer: STS refusing the
 * credentials, IAM finding no such profile) no longer ago than the window. Stale: the last
 * call failed, or its answer is too old. Unknown: no answer yet.
 */
function awsState<T>(view: Seen<T>, prev: number | undefined, windowMs: number, now: number, isAnswer: (f: Failure) => boolean): SourceState {
  if (view.state === "never") return lapsed(prev, "not asked yet");
  const at = view.at ?? now;
  if (view.state === "failed" && !isAnswer(view)) return lapsed(prev, reason(view));
  if (now - at <= windowMs) return { state: "fresh", since: at };
  return { state: "stale", since: at, reason: `no answer for ${Math.round((now - at) / 1000)} s (fresh for ${Math.round(windowMs / 1000)} s)` };
}

function lapsed(since: number | undefined, reason: string): SourceState {
  return since === undefined ? { state: "unknown", reason } : { state: "stale", since, reason };
}

/** The enabled sources that are neither fresh nor none: what makes `check` UNKNOWN. */
export function unreadable(sources: SourceStates): { name: SourceName; state: SourceState }[] {
  return SOURCE_NAMES.flatMap((name) => {
    const state = sources[name];
    return state && state.state !== "fresh" && state.state !== "none" ? [{ name, state }] : [];
  });
}
