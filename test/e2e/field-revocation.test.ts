/**
 * Revoked sessions, a deleted or re-created instance profile, and a skewed clock, on the
 * simulator (docs/contract.md, Simulator delivery rules), watched by the agent on a fake clock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Field, HOUR, MINUTE, openKinds } from "../support/field.js";

const POLL = 15_000;
const CONTROL_PLANE = 5 * MINUTE;

let field: Field;
afterEach(() => field.close());

/** The console's "Revoke active sessions" on RedRole, now (docs/wire.md, Revoked sessions). */
function revokeRedRole(): void {
  const now = new Date(field.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": now } } }] });
  field.sim.controlPlane.putRolePolicy({ roleName: "RedRole", policyName: "AWSRevokeOlderSessions", document });
}

describe("revoked sessions on the simulator", () => {
  it.each([
    ["the served credentials alone", false, /^inferred from an explicit deny/],
    ["a monitoring principal", true, /^RedRole's sessions issued before .* are revoked \(AWSRevokeOlderSessions, read as the monitoring principal\)/],
  ] as const)("are credentials_revoked with %s, never credentials_rejected, until IMDS refreshes them", async (_name, monitor, detail) => {
    field = await Field.start({ monitor });
    await field.run(MINUTE);
    field.clock.advance(POLL);
    revokeRedRole();
    await field.until((r) => openKinds(r).includes("credentials_revoked"), CONTROL_PLANE + 2 * POLL);
    expect(field.last?.drifts.find((d) => d.kind === "credentials_revoked")?.detail).toMatch(detail);
    expect(field.last?.sts).toMatchObject({ role: "RedRole" });
    await field.until((r) => !openKinds(r).includes("credentials_revoked"), HOUR + CONTROL_PLANE);
    expect(field.events("drift-detected").map((e) => (e.rolewatch?.["drift"] as { kind: string }).kind)).toEqual(["credentials_revoked"]);
    expect(field.events("drift-resolved")).toHaveLength(1);
  });
});

describe("an instance profile deleted and created again on the simulator", () => {
  it("is profile_missing once deleted, then profile_recreated once re-created with the same role", async () => {
    field = await Field.start({ monitor: true });
    await field.run(MINUTE);
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.deleteInstanceProfile("MyInPr");
    await field.until((r) => openKinds(r).includes("profile_missing"), CONTROL_PLANE + POLL);
    expect(openKinds(field.last!)).not.toContain("profile_empty");
    field.sim.controlPlane.createInstanceProfile({ name: "MyInPr" });
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "RedRole");
    await field.until((r) => openKinds(r).includes("profile_recreated"), CONTROL_PLANE + POLL);
    expect(openKinds(field.last!)).not.toContain("profile_role_mismatch");
    expect(openKinds(field.last!)).not.toContain("profile_missing");
  });
});

describe("a skewed clock on the simulator", () => {
  it("10 minutes off is the skew state; 20 minutes off, refused for its time, is no credentials_rejected", async () => {
    field = await Field.start();
    field.sim.setClockSkew(600);
    await field.run(MINUTE);
    expect(field.last?.clock).toMatchObject({ state: "skewed", skewSeconds: 600 });
    expect(openKinds(field.last!)).toEqual([]);
    field.sim.setClockSkew(1200);
    await field.run(20 * MINUTE);
    expect(field.last?.clock).toMatchObject({ state: "skewed", skewSeconds: 1200 });
    expect(openKinds(field.last!)).not.toContain("credentials_rejected");
    expect(field.events("drift-detected")).toEqual([]);
  });
});
