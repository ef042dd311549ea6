import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { createEvents, type Events } from "../../src/observe/events.js";
import { Secret } from "../../src/secret.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const T0 = Date.parse("2026-11-29T08:00:00.250Z");

function setup(level?: string) {
  const clock = new ManualClock(T0);
  const raw: string[] = [];
  const events = createEvents({ clock, version: "1.2.3", destination: { write: (s: string) => void raw.push(s) }, ...(level ? { level } : {}) });
  const lines = () => raw.map((s) => JSON.parse(s) as Json);
  return { clock, events, raw, lines };
}

/** Every event of docs/contract.md, Log events, each with what it must carry. */
const table: { name: string; emit: (e: Events) => void; level: string; action: string; kind?: string; severity: number; fields: Json }[] = [
  {
    name: "agent-started", emit: (e) => e.agentStarted({ version: "1.2.3", config: { pollInterval: 60 } }),
    level: "info", action: "agent-started", severity: 0, fields: { rolewatch: { config: { pollInterval: 60 } } },
  },
  { name: "agent-stopping", emit: (e) => e.agentStopping({ signal: "SIGTERM" }), level: "info", action: "agent-stopping", severity: 0, fields: { rolewatch: { signal: "SIGTERM" } } },
  {
    name: "imds-unavailable", emit: (e) => e.imdsUnavailable({ failure: "server-error", path: "/latest/meta-data/iam/info", status: 503 }),
    level: "warn", action: "imds-unavailable", severity: 47,
    fields: { rolewatch: { imds: { failure: "server-error", path: "/latest/meta-data/iam/info", status: 503 } } },
  },
  { name: "imds-recovered", emit: (e) => e.imdsRecovered({ downSeconds: 90 }), level: "info", action: "imds-recovered", severity: 0, fields: { rolewatch: { imds: { down_s: 90 } } } },
  {
    name: "credentials-rotated",
    emit: (e) => e.credentialsRotated({ accessKeyId: "ASIANEW", previousAccessKeyId: "ASIAOLD", expiration: Date.parse("2026-11-29T14:00:00Z"), lastUpdated: T0 }),
    level: "info", action: "credentials-rotated", severity: 0,
    fields: {
      event: { category: ["iam"], type: ["change"] },
      rolewatch: { credentials: { access_key_id: "ASIANEW", previous_access_key_id: "ASIAOLD", expiration: "2026-11-29T14:00:00.000Z", last_updated: "2026-11-29T08:00:00.250Z" } },
    },
  },
  {
    name: "role-changed", emit: (e) => e.roleChanged({ source: "imds", from: "RedRole", to: "BlueRole" }),
    level: "info", action: "role-changed", severity: 21, fields: { rolewatch: { role: { source: "imds", from: "RedRole", to: "BlueRole" } } },
  },
  {
    name: "profile-changed", emit: (e) => e.profileChanged({ from: null, to: "arn:aws:iam::123456789012:instance-profile/MyInPr" }),
    level: "info", action: "profile-changed", severity: 21, fields: { rolewatch: { profile: { from: null, to: "arn:aws:iam::123456789012:instance-profile/MyInPr" } } },
  },
  {
    name: "control-plane-unavailable", emit: (e) => e.controlPlaneUnavailable({ api: "iam", reason: "denied" }),
    level: "warn", action: "control-plane-unavailable", severity: 47, fields: { rolewatch: { control_plane: { api: "iam", reason: "denied" } } },
  },
  {
    name: "control-plane-recovered", emit: (e) => e.controlPlaneRecovered({ api: "ec2", downSeconds: 300 }),
    level: "info", action: "control-plane-recovered", severity: 0, fields: { rolewatch: { control_plane: { api: "ec2", down_s: 300 } } },
  },
  {
    name: "clock-skewed", emit: (e) => e.clockSkewed({ skewSeconds: 600, reason: "the host clock is 600 s behind IAM's (the Date of its last answer)" }),
    level: "warn", action: "clock-skewed", severity: 47,
    fields: { message: "clock skewed: the host clock is 600 s behind IAM's (the Date of its last answer)", rolewatch: { clock: { skew_s: 600, reason: "the host clock is 600 s behind IAM's (the Date of its last answer)" } } },
  },
  {
    name: "clock-recovered", emit: (e) => e.clockRecovered({ skewSeconds: 1 }),
    level: "info", action: "clock-recovered", severity: 0, fields: { message: "clock within a minute of AWS's again (1 s from AWS's)", rolewatch: { clock: { skew_s: 1 } } },
  },
  {
    name: "drift-detected (critical)", emit: (e) => e.driftDetected({ kind: "profile_role_mismatch", severity: "critical", since: T0 - 60_000, detail: "IMDS serves RedRole, profile holds BlueRole" }),
    level: "warn", action: "drift-detected", kind: "alert", severity: 99,
    fields: {
      event: { start: "2026-11-29T07:59:00.250Z", category: ["iam", "configuration"] },
      rolewatch: { drift: { kind: "profile_role_mismatch", severity: "critical", since: "2026-11-29T07:59:00.250Z", detail: "IMDS serves RedRole, profile holds BlueRole" } },
    },
  },
  {
    name: "drift-detected (warning)", emit: (e) => e.driftDetected({ kind: "credentials_expiring", severity: "warning", since: T0, detail: "expires in 4 min" }),
    level: "warn", action: "drift-detected", kind: "alert", severity: 47, fields: { rolewatch: { drift: { kind: "credentials_expiring", severity: "warning" } } },
  },
  {
    name: "drift-resolved", emit: (e) => e.driftResolved({
      kind: "profile_role_mismatch", severity: "critical", since: T0 - 3_240_000, durationSeconds: 3240,
      detail: "IMDS serves RedRole; instance profile MyInPr holds BlueRole", resolution: "IMDS now serves BlueRole, the role instance profile MyInPr holds",
    }),
    level: "info", action: "drift-resolved", severity: 21,
    fields: {
      message: "drift profile_role_mismatch resolved: IMDS now serves BlueRole, the role instance profile MyInPr holds; open 54 min",
      event: { start: "2026-11-29T07:06:00.250Z", end: "2026-11-29T08:00:00.250Z", duration: 3_240_000_000_000 },
      rolewatch: {
        drift: {
          kind: "profile_role_mismatch", severity: "critical", duration_s: 3240, since: "2026-11-29T07:06:00.250Z",
          detail: "IMDS serves RedRole; instance profile MyInPr holds BlueRole", resolution: "IMDS now serves BlueRole, the role instance profile MyInPr holds",
        },
      },
    },
  },
];

describe("log events", () => {
  it.each(table)("$name: one JSON line with its action, kind, severity and fields", ({ emit, level, action, kind, severity, fields }) => {
    const { events, lines } = setup();
    emit(events);
    expect(lines()).toHaveLength(1);
    const [line] = lines();
    expect(line).toMatchObject({
      "log.level": level,
      "@timestamp": "2026-11-29T08:00:00.250Z",
      event: { action, kind: kind ?? "event", severity, dataset: "rolewatch.log" },
      ecs: { version: "8.11.0" },
      service: { name: "rolewatch", version: "1.2.3" },
      cloud: { provider: "aws" },
      ...fields,
    });
    expect(line?.message).toEqual(expect.any(String));
  });

  it("covers every event.action of docs/contract.md, Log events", () => {
    const spec = ["drift-detected", "drift-resolved", "credentials-rotated", "role-changed", "profile-changed", "imds-unavailable",
      "imds-recovered", "control-plane-unavailable", "control-plane-recovered", "clock-skewed", "clock-recovered", "agent-started", "agent-stopping",
      "state-created", "state-problem", "config-warning", "poll-failed", "schedule-warning", "schedule-error", "web-config-problem"];
    // The last ones: the tests below, test/agent/loop.test.ts for the schedule's, and test/e2e/web-config.test.ts for the web config's.
    const covered = [...table.map((t) => t.action), "state-created", "state-problem", "config-warning", "poll-failed", "schedule-warning", "schedule-error", "web-config-problem"];
    expect(new Set(covered)).toEqual(new Set(spec));
  });

  it("opens each line with @timestamp, log.level and message, as ecs-logging asks, timed by the injected clock", () => {
    const { clock, events, lines } = setup();
    events.imdsRecovered({ downSeconds: 1 });
    clock.advance(1500);
    events.imdsRecovered({ downSeconds: 2 });
    const [first, second] = lines();
    expect(Object.keys(first ?? {}).slice(0, 3).sort()).toEqual(["@timestamp", "log.level", "message"]);
    expect(second?.["@timestamp"]).toBe("2026-11-29T08:00:01.750Z");
  });

  it("adds the instance's cloud fields to every event after setInstance", () => {
    const { events, lines } = setup();
    events.agentStarted({ version: "1.2.3", config: {} });
    events.setInstance({ id: "i-0123456789abcdef0", accountId: "123456789012", region: "eu-west-1" });
    events.agentStopping({ signal: "SIGINT" });
    const [before, after] = lines();
    expect(before?.cloud).toEqual({ provider: "aws" });
    expect(after?.cloud).toEqual({ provider: "aws", account: { id: "123456789012" }, region: "eu-west-1", instance: { id: "i-0123456789abcdef0" } });
  });

  it("records a state problem as a warning, and a first start's missing state file as routine, each with its action", () => {
    const { events, lines } = setup();
    events.stateProblem({ problem: "corrupt JSON", path: "/var/lib/rolewatch/state.json" });
    events.stateCreated({ path: "/var/lib/rolewatch/state.json" });
    const [problem, created] = lines();
    expect(problem).toMatchObject({ "log.level": "warn", event: { kind: "event", action: "state-problem", severity: 47 }, rolewatch: { state: { problem: "corrupt JSON", path: "/var/lib/rolewatch/state.json" } } });
    expect(created).toMatchObject({ "log.level": "info", event: { kind: "event", action: "state-created", severity: 0 }, rolewatch: { state: { path: "/var/lib/rolewatch/state.json" } } });
  });

  it("writes free-form warnings and errors with ECS error fields", () => {
    const { events, lines } = setup();
    events.warn("config-warning", "unknown environment variable ROLEWATCH_POLL", { variable: "ROLEWATCH_POLL" });
    events.error("poll-failed", "poll failed", new TypeError("boom"), { tick: 3 });
    const [warn, error] = lines();
    expect(warn).toMatchObject({ "log.level": "warn", message: "unknown environment variable ROLEWATCH_POLL", event: { action: "config-warning" }, rolewatch: { variable: "ROLEWATCH_POLL" } });
    expect(error).toMatchObject({ "log.level": "error", message: "poll failed", event: { action: "poll-failed" }, error: { type: "TypeError", message: "boom" }, rolewatch: { tick: 3 } });
    expect(error?.error.stack_trace).toContain("TypeError: boom");
  });

  it("never writes a secret, whatever key or depth it is put under", () => {
    const { events, raw } = setup();
    events.agentStarted({
      version: "1.2.3",
      config: { imds: { token: "tok-1", headers: { "x-aws-ec2-metadata-token": "tok-2" } }, aws: { credentials: { SecretAccessKey: "sk-1", SessionToken: "st-1" } } },
    });
    events.warn("config-warning", "oops", { creds: { secretAccessKey: "sk-2", sessionToken: "st-2" }, secret: new Secret("sk-3"), Token: "tok-3" });
    const out = raw.join("");
    for (const secret of ["tok-1", "tok-2", "tok-3", "sk-1", "sk-2", "sk-3", "st-1", "st-2"]) expect(out).not.toContain(secret);
    expect(out).toContain("[REDACTED]");
  });

  it("drops events below the configured level", () => {
    const { events, lines } = setup("warn");
    events.credentialsRotated({ accessKeyId: "ASIANEW", previousAccessKeyId: "ASIAOLD", expiration: null, lastUpdated: null });
    events.imdsUnavailable({ failure: "timeout", path: "/latest/api/token" });
    expect(lines().map((l) => l.event.action)).toEqual(["imds-unavailable"]);
  });
});
