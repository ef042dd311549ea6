import { describe, expect, it } from "vitest";
import { isoSeconds } from "../../src/clock.js";
import { defaultScenario } from "../../src/sim/index.js";
import { REVOKE_POLICY_NAME, revokePolicyDocument } from "../../src/sim/plane/iam-policies.js";
import { HOUR, MIN, START, seedWorld } from "./world-support.js";

// Revoked sessions and what IMDS serves after (world/delivery-rules.ts, S5e; docs/wire.md, Revoked sessions).

type Seeded = ReturnType<typeof seedWorld>;

/** IAM's "Revoke active sessions" on RedRole, now: sessions issued before this moment are denied. */
function revoke(w: Seeded, role = "RedRole"): void {
  w.plane.putRolePolicy({ roleName: role, policyName: REVOKE_POLICY_NAME, document: revokePolicyDocument(isoSeconds(w.clock.now())) });
}

const denied = (w: Seeded, key: string | null) => w.plane.caller(key ?? "")?.explicitDeny;

describe("revoking a role's sessions (an AWSRevokeOlderSessions policy)", () => {
  it("denies the sessions issued before its time, and no other role's; STS still knows them as valid", () => {
    const w = seedWorld();
    const red = w.key();
    w.at(20 * MIN);
    revoke(w);
    expect(w.plane.caller(red ?? "")).toMatchObject({ status: "valid", explicitDeny: true });
    const identity = w.world.instance(w.id).identity.at(w.clock.now());
    expect(denied(w, identity?.accessKeyId ?? "")).toBe(false);
    expect(denied(w, w.world.deliver(w.id, "BlueRole")?.chain.at(w.clock.now())?.v2.accessKeyId ?? "")).toBe(false);
  });

  it("leaves the revoked credentials served until the next hourly rotation, which brings working ones", () => {
    const w = seedWorld();
    const red = w.key();
    w.at(20 * MIN);
    revoke(w);
    w.at(HOUR - 1000);
    expect(w.key()).toBe(red);
    expect(denied(w, red)).toBe(true);
    w.at(HOUR);
    expect(w.served()).toMatchObject({ role: { name: "RedRole" }, issue: { issuedAt: START + HOUR } });
    expect(w.key()).not.toBe(red);
    expect(denied(w, w.key())).toBe(false);
  });

  it("with delays.revocationSeconds, brings working ones that long after the revocation; rotation goes on from there", () => {
    const w = seedWorld({ ...defaultScenario(), delays: { revocationSeconds: 300 } });
    const red = w.key();
    w.at(20 * MIN);
    revoke(w);
    w.at(25 * MIN - 1000);
    expect(w.key()).toBe(red);
    w.at(25 * MIN);
    const fresh = w.served()?.issue;
    expect(fresh?.issuedAt).toBe(START + 25 * MIN);
    expect(denied(w, w.key())).toBe(false);
    w.at(85 * MIN - 1000);
    expect(w.key()).toBe(fresh?.v2.accessKeyId);
    w.at(85 * MIN);
    expect(w.served()?.issue.issuedAt).toBe(START + 85 * MIN);
  });

  it("with a delay of 0, brings working ones at once", () => {
    const w = seedWorld({ ...defaultScenario(), delays: { revocationSeconds: 0 } });
    const red = w.key();
    w.at(20 * MIN);
    revoke(w);
    expect(w.key()).not.toBe(red);
    expect(w.served()?.issue.issuedAt).toBe(START + 20 * MIN);
  });

  it("with a delay longer than the wait for the hourly rotation, the rotation comes first", () => {
    const w = seedWorld({ ...defaultScenario(), delays: { revocationSeconds: 3000 } });
    w.at(40 * MIN);
    revoke(w);
    w.at(HOUR);
    expect(w.served()?.issue.issuedAt).toBe(START + HOUR);
    w.at(90 * MIN);
    expect(w.served()?.issue.issuedAt).toBe(START + HOUR);
  });

  it("never refreshes an emptied profile's credentials: they stay, revoked, until they expire", () => {
    const w = seedWorld({ ...defaultScenario(), delays: { revocationSeconds: 60 } });
    const red = w.key();
    w.at(10 * MIN);
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.at(20 * MIN);
    revoke(w);
    w.at(6 * HOUR - 1000);
    expect(w.key()).toBe(red);
    expect(denied(w, red)).toBe(true);
    w.at(6 * HOUR);
    expect(w.served()).toBeNull();
  });

  it("does not refresh once the profile is emptied while the refresh is pending", () => {
    const w = seedWorld({ ...defaultScenario(), delays: { revocationSeconds: 600 } });
    const red = w.key();
    w.at(10 * MIN);
    revoke(w);
    w.at(15 * MIN);
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.at(2 * HOUR);
    expect(w.key()).toBe(red);
  });

  it("denies nothing when its time is before the served credentials were issued", () => {
    const w = seedWorld();
    w.plane.putRolePolicy({ roleName: "RedRole", policyName: "old", document: revokePolicyDocument("2026-11-29T07:00:00Z") });
    expect(denied(w, w.key())).toBe(false);
  });

  it("is lifted by deleting the policy: the same session is allowed again", () => {
    const w = seedWorld();
    const red = w.key();
    w.at(MIN);
    revoke(w);
    w.plane.deleteRolePolicy("RedRole", REVOKE_POLICY_NAME);
    expect(denied(w, red)).toBe(false);
  });

  it("denies every session of a time after a rotation when the policy's time is later still", () => {
    const w = seedWorld();
    w.plane.putRolePolicy({ roleName: "RedRole", policyName: REVOKE_POLICY_NAME, document: revokePolicyDocument("2026-12-01T12:00:00Z") });
    w.at(HOUR);
    expect(denied(w, w.key())).toBe(true);
  });
});
