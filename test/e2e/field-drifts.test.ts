import { afterEach, describe, expect, it } from "vitest";
import { sample } from "../support/daemon.js";
import { Field, HOUR, MINUTE, openKinds, SECOND } from "../support/field.js";

/**
 * The field report's behaviours (docs/contract.md, Field report, S1-S7), each played on the simulator
 * with a fake clock and watched by the agent as it runs in production:
 * polls every 15 s, STS every 15 min, the control plane every 5 min.
 */
const POLL = 15 * SECOND;
const CONTROL_PLANE = 5 * MINUTE;
const SWAP_DELAY = 54 * MINUTE;

let field: Field;
afterEach(() => field.close());

const since = (kind: string) => Date.parse(field.last?.drifts.find((d) => d.kind === kind)?.since ?? "NaN");
const resolvedDuration = (kind: string) =>
  field.events("drift-resolved").filter((e) => (e.rolewatch?.drift as { kind: string }).kind === kind).map((e) => (e.rolewatch?.drift as { duration_s: number }).duration_s);
const detections = (kind: string) => field.events("drift-detected").filter((e) => (e.rolewatch?.drift as { kind: string }).kind === kind);

describe("the field report, watched", () => {
  it("S3: a swap is profile_role_mismatch for the whole 54-minute window, then resolves with its duration", async () => {
    field = await Field.start();
    await field.run(2 * MINUTE);
    const swappedAt = field.clock.now();
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    await field.until((r) => openKinds(r).includes("profile_role_mismatch"), CONTROL_PLANE + POLL);
    const start = since("profile_role_mismatch");
    expect(start - swappedAt).toBeLessThanOrEqual(CONTROL_PLANE + POLL);
    const took = await field.until((r) => !openKinds(r).includes("profile_role_mismatch"), HOUR);
    const resolvedAt = field.clock.now();
    expect(resolvedAt - (swappedAt + SWAP_DELAY)).toBeGreaterThanOrEqual(0);
    expect(resolvedAt - (swappedAt + SWAP_DELAY)).toBeLessThanOrEqual(POLL);
    expect(took).toBeGreaterThan(0);
    expect(resolvedDuration("profile_role_mismatch")).toEqual([Math.round((resolvedAt - start) / 1000)]);
    expect(field.last?.imds.role).toBe("BlueRole");
    expect(openKinds(field.last!)).toEqual([]);
  });

  it("S1: an emptied profile is profile_empty until IMDS stops serving the unrotated credentials", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    const key = field.last?.imds.accessKeyId;
    const expiry = Date.parse(field.last?.imds.expiration ?? "NaN");
    const removedAt = field.clock.now();
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    await field.until((r) => openKinds(r).includes("profile_empty"), CONTROL_PLANE + POLL);
    expect(since("profile_empty") - removedAt).toBeLessThanOrEqual(CONTROL_PLANE + POLL);
    await field.until((r) => r.imds.accessKeyId === null, 7 * HOUR);
    expect(field.clock.now() - expiry).toBeLessThanOrEqual(POLL);
    expect(field.clock.now()).toBeGreaterThanOrEqual(expiry);
    expect(field.events("credentials-rotated")).toHaveLength(0); // served unrotated to the end
    expect(detections("credentials_expiring")).toHaveLength(1); // S7: the last 5 minutes of unrotated credentials
    expect(openKinds(field.last!)).toEqual([]);
    expect(resolvedDuration("profile_empty")).toHaveLength(1);
    expect(key).toMatch(/^ASIA/);
  });

  it("S2: adding the original role back resolves the drift and reports no rotation", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    const key = field.last?.imds.accessKeyId;
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    await field.until((r) => openKinds(r).includes("profile_empty"), CONTROL_PLANE + POLL);
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "RedRole");
    await field.until((r) => openKinds(r).length === 0, CONTROL_PLANE + POLL);
    expect(field.last?.imds.accessKeyId).toBe(key);
    expect(field.events("credentials-rotated")).toHaveLength(0);
    expect(resolvedDuration("profile_empty")).toHaveLength(1);
  });

  it("S4: a drift open before a restart is still open after it, with its original start, detected once", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    await field.until((r) => openKinds(r).includes("profile_role_mismatch"), CONTROL_PLANE + POLL);
    const start = since("profile_role_mismatch");
    await field.run(10 * MINUTE);
    field.sim.controlPlane.rebootInstances([field.sim.instanceId]);
    field.restartAgent();
    const after = await field.run(POLL);
    expect(openKinds(after)).toContain("profile_role_mismatch");
    expect(since("profile_role_mismatch")).toBe(start);
    expect(after.imds.role).toBe("RedRole"); // a reboot changes nothing
    await field.until((r) => !openKinds(r).includes("profile_role_mismatch"), HOUR);
    expect(detections("profile_role_mismatch")).toHaveLength(1);
    expect(resolvedDuration("profile_role_mismatch")).toEqual([Math.round((field.clock.now() - start) / 1000)]);
  });

  it("S5: stop/start during a swap delivers at once and ends the drift", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    await field.until((r) => openKinds(r).includes("profile_role_mismatch"), CONTROL_PLANE + POLL);
    field.sim.controlPlane.stopInstances([field.sim.instanceId]);
    field.sim.controlPlane.startInstances([field.sim.instanceId]);
    await field.until((r) => openKinds(r).length === 0, POLL);
    expect(field.last?.imds.role).toBe("BlueRole");
  });

  it("S5: a new association during a swap delivers at once and ends the drift", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
    await field.until((r) => openKinds(r).includes("profile_role_mismatch"), CONTROL_PLANE + POLL);
    const [association] = field.sim.controlPlane.describeIamInstanceProfileAssociations({ instanceIds: [field.sim.instanceId] });
    field.sim.controlPlane.replaceIamInstanceProfileAssociation(association?.associationId ?? "", { name: "MyInPr" });
    await field.until((r) => r.imds.role === "BlueRole" && openKinds(r).length === 0, MINUTE);
  });

  it("S5: disassociating the profile stops delivery at once and raises no drift from what is no longer read", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    const [association] = field.sim.controlPlane.describeIamInstanceProfileAssociations({ instanceIds: [field.sim.instanceId] });
    field.sim.controlPlane.disassociateIamInstanceProfile(association?.associationId ?? "");
    await field.run(2 * CONTROL_PLANE);
    expect(field.last?.imds).toMatchObject({ profileArn: null, role: null, accessKeyId: null });
    expect(field.events("drift-detected")).toEqual([]);
    expect(openKinds(field.last!)).toEqual([]);
  });

  it("S5: deleting the role makes STS reject the served credentials (credentials_rejected)", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.deleteRole("RedRole");
    const deletedAt = field.clock.now();
    await field.until((r) => openKinds(r).includes("credentials_rejected"), 16 * MINUTE);
    expect(since("credentials_rejected") - deletedAt).toBeLessThanOrEqual(15 * MINUTE + POLL);
    expect(field.last?.sts).toEqual({ error: expect.stringContaining("InvalidClientTokenId") });
    await field.until((r) => r.imds.accessKeyId === null, HOUR + POLL); // IMDS drops them at its next refresh
    expect(openKinds(field.last!)).toEqual([]);
  });

  it("S5/S6: with the served credentials revoked, the control plane signed by them is unavailable, not a drift", async () => {
    field = await Field.start();
    await field.run(MINUTE);
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.deleteRole("RedRole");
    field.sim.controlPlane.createRole({ name: "RedRole", assumeRolePolicyDocument: "{}" });
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "RedRole");
    await field.run(CONTROL_PLANE + POLL);
    expect(field.last?.profile).toEqual({ error: expect.stringContaining("InvalidClientTokenId") });
    expect(field.events("control-plane-unavailable").map((e) => (e.rolewatch?.control_plane as { api: string }).api).sort()).toEqual(["ec2", "iam"]);
    expect(openKinds(field.last!)).not.toContain("role_recreated");
  });

  it("S6: a role deleted and re-created under the same name is role_recreated, told apart by RoleId", async () => {
    field = await Field.start({ monitor: true });
    await field.run(MINUTE);
    const oldRoleId = field.sim.controlPlane.getRole("RedRole").roleId;
    field.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    field.sim.controlPlane.deleteRole("RedRole");
    const recreated = field.sim.controlPlane.createRole({ name: "RedRole", assumeRolePolicyDocument: "{}" });
    field.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "RedRole");
    expect(recreated.roleId).not.toBe(oldRoleId);
    await field.until((r) => openKinds(r).includes("role_recreated"), CONTROL_PLANE + POLL);
    expect(field.last?.drifts.find((d) => d.kind === "role_recreated")?.detail).toContain(oldRoleId);
    await field.until((r) => openKinds(r).length === 0 && r.imds.role === "RedRole", HOUR + POLL);
    expect(field.last?.sts).toMatchObject({ roleId: recreated.roleId });
  });

  it("one rotation is reported once: one event and one increment, by the first poll after it, and nothing more", async () => {
    field = await Field.start();
    await field.run(POLL);
    const rotations = async () => sample(await field.metrics.text(), "rolewatch_credentials_rotations_total") ?? 0;
    const before = await rotations();
    const old = field.sim.served()?.issue.v2.accessKeyId;
    field.clock.advance(POLL / 3);
    field.sim.rotateNow();
    const fresh = field.sim.served()?.issue.v2.accessKeyId;
    field.last = await field.agent.poll();
    expect(field.events("credentials-rotated")).toMatchObject([{ rolewatch: { credentials: { access_key_id: fresh, previous_access_key_id: old } } }]);
    expect(await rotations()).toBe(before + 1);
    await field.run(2 * POLL);
    expect(field.events("credentials-rotated")).toHaveLength(1);
    expect(await rotations()).toBe(before + 1);
  });

  it("S7: credentials rotated on EC2's schedule never raise credentials_expiring", async () => {
    field = await Field.start();
    await field.run(7 * HOUR, MINUTE);
    expect(field.events("credentials-rotated").length).toBeGreaterThanOrEqual(6);
    expect(detections("credentials_expiring")).toHaveLength(0);
  });
});
