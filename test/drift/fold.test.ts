import { describe, expect, it } from "vitest";
import { fold, initialFoldState, type FoldEvent, type FoldState } from "../../src/drift/fold.js";
import type { AwsSeen, CallSeen, ImdsRead, PollInput, Seen, StsSeen } from "../../src/drift/input.js";

const PROFILE = "arn:aws:iam::111122223333:instance-profile/MyInPr";
const IDENTITY = { instanceId: "i-0d4c8f2b7a91e3c56", accountId: "111122223333", region: "eu-west-1" };
const RED = { name: "RedRole", id: "AROAREDREDREDREDRED01" };
const throttled: CallSeen["outcome"] = { kind: "throttled", code: "Throttling", status: 400, message: "Rate exceeded" };

function imds(accessKeyId: string, role = "RedRole"): ImdsRead {
  return { ok: true, view: { info: { instanceProfileArn: PROFILE }, role, credentials: { accessKeyId, expiration: Date.parse("2026-12-01T12:00:00Z") } } };
}
const down: ImdsRead = { ok: false, failure: "timeout", path: "/latest/api/token" };

function sts(role: string, fresh: boolean): Seen<StsSeen> {
  const value: StsSeen = { principal: "assumed-role", arn: `arn:aws:sts::111122223333:assumed-role/${role}/${IDENTITY.instanceId}`, account: "111122223333", role, roleId: RED.id, session: IDENTITY.instanceId };
  return { state: "ok", value, fresh };
}

function aws(over: Partial<AwsSeen> = {}): AwsSeen {
  return { sts: { state: "never" }, profile: { state: "ok", value: { name: "MyInPr", roles: [RED] }, fresh: true }, association: "disabled", calls: [], ...over };
}

/** Folds the inputs in turn, a minute apart; the events of each poll. */
function run(inputs: PollInput[], state: FoldState = initialFoldState()): { state: FoldState; events: FoldEvent[][] } {
  const events: FoldEvent[][] = [];
  inputs.forEach((input, i) => {
    const result = fold(state, input, Date.parse("2026-12-01T08:00:00Z") + i * 60_000);
    state = result.state;
    events.push(result.events);
  });
  return { state, events };
}

const actions = (events: FoldEvent[]) => events.map((e) => ("kind" in e ? `${e.action} ${e.kind}` : e.action));

describe("the fold", () => {
  it("names the instance once, before anything else it reports", () => {
    const { events } = run([{ imds: down, identity: null, aws: null }, { imds: imds("ASIAKEY1"), identity: IDENTITY, aws: null }, { imds: imds("ASIAKEY1"), identity: IDENTITY, aws: null }]);
    expect(events.map(actions)).toEqual([["imds-unavailable"], ["instance-identified", "imds-recovered"], []]);
  });

  it("keeps what IMDS last served across a failed read, and reports a change against it", () => {
    const { state, events } = run([
      { imds: imds("ASIAKEY1"), identity: IDENTITY, aws: null },
      { imds: down, identity: IDENTITY, aws: null },
      { imds: imds("ASIAKEY2"), identity: IDENTITY, aws: null },
    ]);
    expect(events.map(actions)).toEqual([["instance-identified"], ["imds-unavailable"], ["imds-recovered", "credentials-rotated"]]);
    expect(state.drift.imds).toEqual({ profileArn: PROFILE, role: "RedRole", accessKeyId: "ASIAKEY2" });
    expect(state.imds).toEqual({ up: true, downSince: null });
  });

  it("counts an STS answer for the AccessKeyId it was about, and for no other", () => {
    const swapped = { imds: imds("ASIAKEY1"), identity: IDENTITY, aws: aws({ sts: sts("Attacker", true) }) };
    const sameKey = { imds: imds("ASIAKEY1"), identity: IDENTITY, aws: aws({ sts: sts("Attacker", false) }) };
    const rotated = { imds: imds("ASIAKEY2"), identity: IDENTITY, aws: aws({ sts: sts("Attacker", false) }) };
    const { events } = run([swapped, sameKey, rotated]);
    expect(actions(events[0] ?? [])).toContain("drift-detected profile_role_mismatch");
    expect(actions(events[1] ?? [])).toEqual([]);
    expect(actions(events[2] ?? [])).toContain("drift-resolved profile_role_mismatch");
  });

  it("reports one control-plane outage per API, from its first failure to its first answer (not-found is an answer)", () => {
    const call = (api: CallSeen["api"], outcome: CallSeen["outcome"], at: number): CallSeen => ({ api, at, outcome });
    const t0 = Date.parse("2026-12-01T08:00:00Z");
    const notFound: CallSeen["outcome"] = { kind: "not-found", code: "NoSuchEntity", status: 404, message: "" };
    const polls = [
      [call("iam", throttled, t0), call("sts", throttled, t0)],
      [call("iam", throttled, t0 + 60_000)],
      [call("iam", notFound, t0 + 120_000), call("ec2", "ok", t0 + 120_000)],
    ].map((calls) => ({ imds: imds("ASIAKEY1"), identity: IDENTITY, aws: aws({ calls }) }));
    const { state, events } = run(polls);
    const health = events.flat().filter((e) => e.action.startsWith("control-plane"));
    expect(health).toEqual([
      { action: "control-plane-unavailable", api: "iam", reason: "Throttling (HTTP 400): Rate exceeded" },
      { action: "control-plane-recovered", api: "iam", downSeconds: 120 },
    ]);
    expect(state.controlPlane).toEqual({ iam: { up: true, downSince: null }, ec2: { up: true, downSince: null } });
  });

  it("keeps IAM down while GetRolePolicy's last call failed, though GetInstanceProfile answers in between", () => {
    const t0 = Date.parse("2026-12-01T08:00:00Z");
    const denied: CallSeen["outcome"] = { kind: "denied", code: "AccessDenied", status: 403, message: "not authorized to perform: iam:GetRolePolicy" };
    const polls: CallSeen[][] = [
      [{ api: "iam", at: t0, outcome: "ok" }, { api: "iam", action: "GetRolePolicy", at: t0, outcome: denied }],
      [{ api: "iam", at: t0 + 60_000, outcome: "ok" }],
      [{ api: "iam", action: "GetRolePolicy", at: t0 + 120_000, outcome: "ok" }],
    ];
    const { state, events } = run(polls.map((calls) => ({ imds: imds("ASIAKEY1"), identity: IDENTITY, aws: aws({ calls }) })));
    expect(events.map((e) => e.filter((x) => x.action.startsWith("control-plane")))).toEqual([
      [{ action: "control-plane-unavailable", api: "iam", reason: "AccessDenied (HTTP 403): not authorized to perform: iam:GetRolePolicy" }],
      [],
      [{ action: "control-plane-recovered", api: "iam", downSeconds: 120 }],
    ]);
    expect(state.controlPlane.iam).toEqual({ up: true, downSince: null });
  });
});
