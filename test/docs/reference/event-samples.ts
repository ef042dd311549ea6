/**
 * One call of every event function, agent's and account exporter's, with plausible values: the
 * events reference (docs/reference/events.md) is written from the lines they produce.
 */
import { ManualClock } from "../../../src/clock.js";
import { loadConfig } from "../../../src/config.js";
import { createAccountEvents, type AccountEvents } from "../../../src/observe/account-events.js";
import { createEvents, type Events } from "../../../src/observe/events.js";

export type Json = Record<string, unknown>;

const T0 = Date.parse("2026-11-29T08:00:00.250Z");
const PROFILE = "arn:aws:iam::111122223333:instance-profile/MyInPr";

/** A thrown error with a fixed stack, so that the reference does not change with where it runs. */
function failure(): Error {
  const error = new Error("an unexpected failure");
  error.stack = "Error: an unexpected failure\n    at poll (file:///usr/lib/rolewatch/dist/agent/loop.js:51:7)";
  return error;
}

/** The defaults, as the daemons hold them: what `rolewatch.config` shows of a host with no configuration. */
const config = loadConfig({ argv: [], env: {}, readFile: () => null }).config;
const agentConfig = { ...config, http: { ...config.http, url: "http://:9725" } };
const accountConfig = {
  account: { ...config.account, regions: ["us-east-1"] }, region: "us-east-1", aws: config.aws, imds: config.imds,
  http: { url: "http://:9726", maxConnections: config.http.maxConnections },
};

/** Each call is named by the function it calls; several calls of one function differ by action. */
export const AGENT_SAMPLES: readonly [keyof Events, (e: Events) => void][] = [
  ["agentStarted", (e) => e.agentStarted({ version: "0.1.0", config: agentConfig })],
  ["agentStopping", (e) => e.agentStopping({ signal: "SIGTERM" })],
  ["imdsUnavailable", (e) => e.imdsUnavailable({ failure: "server-error", path: "/latest/meta-data/iam/info", status: 503 })],
  ["imdsRecovered", (e) => e.imdsRecovered({ downSeconds: 90 })],
  ["credentialsRotated", (e) => e.credentialsRotated({ accessKeyId: "ASIANEWKEY", previousAccessKeyId: "ASIAOLDKEY", expiration: T0 + 6 * 3_600_000, lastUpdated: T0 })],
  ["roleChanged", (e) => e.roleChanged({ source: "imds", from: "RedRole", to: "BlueRole" })],
  ["profileChanged", (e) => e.profileChanged({ from: null, to: PROFILE })],
  ["controlPlaneUnavailable", (e) => e.controlPlaneUnavailable({ api: "iam", reason: "denied" })],
  ["controlPlaneRecovered", (e) => e.controlPlaneRecovered({ api: "iam", downSeconds: 300 })],
  ["clockSkewed", (e) => e.clockSkewed({ skewSeconds: 600, reason: "the host clock is 600 s behind IAM's (the Date of its last answer)" })],
  ["clockRecovered", (e) => e.clockRecovered({ skewSeconds: 1 })],
  ["driftDetected", (e) => e.driftDetected({ kind: "profile_role_mismatch", severity: "critical", since: T0 - 60_000, detail: "IMDS serves RedRole; instance profile MyInPr holds BlueRole" })],
  ["driftResolved", (e) => e.driftResolved({
    kind: "profile_role_mismatch", severity: "critical", since: T0 - 3_240_000, durationSeconds: 3240,
    detail: "IMDS serves RedRole; instance profile MyInPr holds BlueRole", resolution: "IMDS now serves BlueRole, the role instance profile MyInPr holds",
  })],
  ["stateProblem", (e) => e.stateProblem({ problem: "corrupt (not JSON); starting with no open drift", path: "/var/lib/rolewatch/state.json" })],
  ["stateCreated", (e) => e.stateCreated({ path: "/var/lib/rolewatch/state.json" })],
  ["warn", (e) => e.warn("config-warning", "unknown environment variable ROLEWATCH_POLL_INTERVALL (did you mean ROLEWATCH_POLL_INTERVAL?)")],
  ["warn", (e) => e.warn("schedule-warning", "poll schedule: a tick was skipped while a poll still ran")],
  ["error", (e) => e.error("poll-failed", "poll failed", failure())],
  ["error", (e) => e.error("schedule-error", "poll schedule: a task failed", failure())],
];

const FAILURE = { kind: "denied", code: "AccessDenied", status: 403, message: "not authorized to perform iam:ListInstanceProfiles" } as const;

export const ACCOUNT_SAMPLES: readonly [keyof AccountEvents, (e: AccountEvents) => void][] = [
  ["started", (e) => e.started({ version: "0.1.0", config: accountConfig })],
  ["stopping", (e) => e.stopping({ signal: "SIGTERM" })],
  ["change", (e) => e.change({ change: "failed", account: "111122223333", api: "ec2", region: "us-east-1", failure: FAILURE })],
  ["change", (e) => e.change({ change: "recovered", account: "111122223333", api: "ec2", region: "us-east-1", downSeconds: 120 })],
  ["warn", (e) => e.warn("config-warning", "unknown environment variable ROLEWATCH_ACOUNT_INTERVAL (did you mean ROLEWATCH_ACCOUNT_INTERVAL?)")],
  ["error", (e) => e.error("cycle-error", "account cycle failed", failure())],
];

/** The lines the agent's samples write, after the instance is known (as every event but the first ones is). */
export function agentLines(): Json[] {
  const lines: string[] = [];
  const events = createEvents({ clock: new ManualClock(T0), version: "0.1.0", destination: { write: (s: string) => void lines.push(s) } });
  events.setInstance({ id: "i-0d4c8f2b7a91e3c56", accountId: "111122223333", region: "us-east-1" });
  for (const [, emit] of AGENT_SAMPLES) emit(events);
  return lines.map((s) => JSON.parse(s) as Json);
}

export function accountLines(): Json[] {
  const lines: string[] = [];
  const events = createAccountEvents({ clock: new ManualClock(T0), version: "0.1.0", destination: { write: (s: string) => void lines.push(s) } });
  for (const [, emit] of ACCOUNT_SAMPLES) emit(events);
  return lines.map((s) => JSON.parse(s) as Json);
}

/** The functions an events object has; setInstance writes no line, it adds cloud.* to later ones. */
export function eventFunctions(): { agent: string[]; account: string[] } {
  const sink = { write: () => undefined };
  const clock = new ManualClock(T0);
  const agent = Object.keys(createEvents({ clock, version: "0", destination: sink })).filter((name) => name !== "setInstance");
  const account = Object.keys(createAccountEvents({ clock, version: "0", destination: sink }));
  return { agent, account };
}
