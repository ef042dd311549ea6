import { describe, expect, it } from "vitest";
import { MIN_ROTATION_HEADROOM_MS } from "../../src/sim/world/delivery.js";
import { defaultScenario } from "../../src/sim/index.js";
import { HOUR, MIN, START, fault, seedWorld } from "./world-support.js";

// The delivery rules of src/sim/world/delivery-rules.ts, one test per row, driven
// through the control plane the AWS API port serves.

const PROFILE = { InstanceProfileArn: "arn:aws:iam::111122223333:instance-profile/MyInPr", InstanceProfileId: "AIPAM7YNPR2KD5QWX8HTC" };
const TRUST = '{"Version":"2012-10-17","Statement":[]}';

function swapRedForBlue(w: ReturnType<typeof seedWorld>): void {
  w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
  w.plane.addRoleToInstanceProfile("MyInPr", "BlueRole");
}

describe("IMDS delivery follows the field report (docs/contract.md, Field report, S1-S7)", () => {
  it("S1: a role removed from the attached profile leaves its last credentials served, unrotated, until they expire; then no role", () => {
    const w = seedWorld();
    w.at(90 * MIN);
    const last = w.served()?.issue;
    expect(last?.issuedAt).toBe(START + HOUR);
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.at(7 * HOUR - 1000);
    expect(w.key()).toBe(last?.v2.accessKeyId);
    expect(w.plane.caller(last?.v2.accessKeyId ?? "")?.status).toBe("valid");
    w.at(7 * HOUR);
    expect(w.served()).toBeNull();
    expect(w.roleListed()).toBeNull();
    expect(w.info()).toMatchObject(PROFILE);
    expect(w.plane.getInstanceProfile("MyInPr").roles).toEqual([]);
  });

  it("S2: adding the same role back changes nothing: the same AccessKeyId goes on, and rotation resumes at the next hourly point", () => {
    const w = seedWorld();
    const first = w.key();
    w.at(30 * MIN);
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.at(150 * MIN);
    w.plane.addRoleToInstanceProfile("MyInPr", "RedRole");
    w.at(3 * HOUR - 1000);
    expect(w.key()).toBe(first);
    w.at(3 * HOUR);
    expect(w.key()).not.toBe(first);
    expect(w.served()?.issue.issuedAt).toBe(START + 3 * HOUR);
  });

  it("S2: adding the same role back after its frozen credentials expired delivers new ones at once", () => {
    const w = seedWorld();
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.at(6 * HOUR + 10 * MIN);
    expect(w.served()).toBeNull();
    w.plane.addRoleToInstanceProfile("MyInPr", "RedRole");
    expect(w.served()).toMatchObject({ role: { name: "RedRole" }, issue: { issuedAt: START + 6 * HOUR + 10 * MIN } });
  });

  it("S2: restoring the original role during a pending swap cancels it; rotation goes on as before", () => {
    const w = seedWorld();
    w.at(10 * MIN);
    swapRedForBlue(w);
    w.at(20 * MIN);
    w.plane.removeRoleFromInstanceProfile("MyInPr", "BlueRole");
    w.plane.addRoleToInstanceProfile("MyInPr", "RedRole");
    w.at(2 * HOUR);
    expect(w.served()).toMatchObject({ role: { name: "RedRole" }, issue: { issuedAt: START + 2 * HOUR } });
  });

  it("S3: a swapped role reaches IMDS 54 minutes after the change; until then the old role's credentials rotate as usual", () => {
    const w = seedWorld();
    w.at(10 * MIN);
    swapRedForBlue(w);
    expect(w.plane.getInstanceProfile("MyInPr").roles.map((r) => r.name)).toEqual(["BlueRole"]);
    w.at(HOUR);
    expect(w.served()).toMatchObject({ role: { name: "RedRole" }, issue: { issuedAt: START + HOUR } });
    w.at(64 * MIN - 1000);
    expect(w.served()?.role.name).toBe("RedRole");
    w.at(64 * MIN);
    expect(w.served()).toMatchObject({ role: { name: "BlueRole", roleId: w.roleId("BlueRole") }, issue: { issuedAt: START + 64 * MIN } });
    expect(w.info()).toMatchObject(PROFILE);
  });

  it("S3: the swap delay comes from the scenario", () => {
    const w = seedWorld({ ...defaultScenario(), delays: { swapSeconds: 120 } });
    swapRedForBlue(w);
    w.at(2 * MIN - 1000);
    expect(w.served()?.role.name).toBe("RedRole");
    w.at(2 * MIN);
    expect(w.served()?.role.name).toBe("BlueRole");
  });

  it("S3: another swap within the window counts from when its role was added (the profile was empty in between)", () => {
    const w = seedWorld();
    w.plane.createRole({ name: "GreenRole", assumeRolePolicyDocument: TRUST });
    w.at(10 * MIN);
    swapRedForBlue(w);
    w.at(40 * MIN);
    w.plane.removeRoleFromInstanceProfile("MyInPr", "BlueRole");
    w.plane.addRoleToInstanceProfile("MyInPr", "GreenRole");
    w.at(94 * MIN - 1000);
    expect(w.served()?.role.name).toBe("RedRole");
    w.at(94 * MIN);
    expect(w.served()).toMatchObject({ role: { name: "GreenRole" }, issue: { issuedAt: START + 94 * MIN } });
  });

  it("S4: a reboot changes nothing, not even during a pending swap", () => {
    const w = seedWorld();
    w.at(10 * MIN);
    swapRedForBlue(w);
    const before = w.key();
    w.at(20 * MIN);
    w.plane.rebootInstances([w.id]);
    w.at(59 * MIN);
    expect(w.key()).toBe(before);
    w.at(63 * MIN);
    expect(w.served()?.role.name).toBe("RedRole");
  });

  it("S5: stop/start delivers the profile's current role at once, and nothing is left pending", () => {
    const w = seedWorld();
    w.at(10 * MIN);
    swapRedForBlue(w);
    w.at(20 * MIN);
    expect(w.plane.stopInstances([w.id])).toEqual([{ instanceId: w.id, previous: { code: 16, name: "running" }, current: { code: 64, name: "stopping" } }]);
    expect(w.served()).toBeNull();
    expect(w.plane.startInstances([w.id])).toEqual([{ instanceId: w.id, previous: { code: 80, name: "stopped" }, current: { code: 0, name: "pending" } }]);
    const blue = w.served();
    expect(blue).toMatchObject({ role: { name: "BlueRole" }, issue: { issuedAt: START + 20 * MIN } });
    w.at(64 * MIN);
    expect(w.key()).toBe(blue?.issue.v2.accessKeyId);
  });

  it("S5: stop/start with an empty profile delivers no role; iam/info keeps the profile", () => {
    const w = seedWorld();
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.plane.stopInstances([w.id]);
    w.plane.startInstances([w.id]);
    expect(w.served()).toBeNull();
    expect(w.info()).toMatchObject(PROFILE);
  });

  it("S5: disassociating stops delivery at once; a new association delivers once it is associated", () => {
    const w = seedWorld();
    const [old] = w.plane.describeIamInstanceProfileAssociations({ instanceIds: [w.id] });
    w.at(10 * MIN);
    expect(w.plane.disassociateIamInstanceProfile(old?.associationId ?? "").state).toBe("disassociating");
    expect([w.served(), w.info(), w.roleListed()]).toEqual([null, null, null]);
    w.at(20 * MIN);
    const created = w.plane.associateIamInstanceProfile(w.id, { name: "MyInPr" });
    expect(created).toMatchObject({ instanceId: w.id, state: "associating", ...{ profileArn: PROFILE.InstanceProfileArn } });
    w.at(20 * MIN + 4999);
    expect(w.served()).toBeNull();
    w.at(20 * MIN + 5000);
    expect(w.served()).toMatchObject({ role: { name: "RedRole" }, issue: { issuedAt: START + 20 * MIN + 5000 } });
    expect(w.info()).toMatchObject(PROFILE);
    expect(w.plane.describeIamInstanceProfileAssociations({ instanceIds: [w.id] })).toEqual([{ ...created, state: "associated" }]);
  });

  it("S5: replacing the association with a profile of another name and role delivers that role once associated (S6: any name)", () => {
    const w = seedWorld();
    const web = w.plane.createInstanceProfile({ name: "web-tier", path: "/app/" });
    w.plane.addRoleToInstanceProfile("web-tier", "BlueRole");
    const [old] = w.plane.describeIamInstanceProfileAssociations({ instanceIds: [w.id] });
    w.at(10 * MIN);
    const replaced = w.plane.replaceIamInstanceProfileAssociation(old?.associationId ?? "", { arn: web.arn });
    expect(w.served()?.role.name).toBe("RedRole");
    w.at(10 * MIN + 5000);
    expect(w.served()).toMatchObject({ role: { name: "BlueRole" }, issue: { issuedAt: START + 10 * MIN + 5000 } });
    expect(w.info()).toMatchObject({ InstanceProfileArn: "arn:aws:iam::111122223333:instance-profile/app/web-tier", InstanceProfileId: web.instanceProfileId });
    expect(w.plane.describeIamInstanceProfileAssociations({ instanceIds: [w.id] }).map((a) => a.associationId)).toEqual([replaced.associationId]);
  });

  it("S5: deleting the role revokes its sessions at once; IMDS drops them at their next hourly point", () => {
    const w = seedWorld();
    const red = w.key() ?? "";
    w.at(10 * MIN);
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.at(20 * MIN);
    w.plane.deleteRole("RedRole");
    expect(w.plane.caller(red)?.status).toBe("revoked");
    w.at(HOUR - 1000);
    expect(w.key()).toBe(red);
    w.at(HOUR);
    expect(w.served()).toBeNull();
    expect(w.info()).toMatchObject(PROFILE);
  });

  it("S5: deleting the role during a pending swap delivers the new role at the old one's next hourly point", () => {
    const w = seedWorld();
    w.at(10 * MIN);
    swapRedForBlue(w);
    w.at(20 * MIN);
    w.plane.deleteRole("RedRole");
    w.at(HOUR);
    expect(w.served()).toMatchObject({ role: { name: "BlueRole" }, issue: { issuedAt: START + HOUR } });
  });

  it("S5f: a deleted profile leaves iam/info and the association as they were; IMDS serves the last credentials, unrotated, until they expire", () => {
    const w = seedWorld();
    w.at(90 * MIN);
    const last = w.served()?.issue;
    const [association] = w.plane.describeIamInstanceProfileAssociations({ instanceIds: [w.id] });
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.at(100 * MIN);
    const info = w.info();
    w.plane.deleteInstanceProfile("MyInPr");
    expect(fault(() => w.plane.getInstanceProfile("MyInPr"))).toEqual({ code: "NoSuchEntity", message: "Instance Profile MyInPr cannot be found.", status: 404 });
    expect(fault(() => w.plane.deleteInstanceProfile("MyInPr"))).toEqual({ code: "NoSuchEntity", message: "Instance Profile MyInPr cannot be found.", status: 404 });
    expect(w.info()).toEqual(info);
    expect(w.plane.describeIamInstanceProfileAssociations({ instanceIds: [w.id] })).toEqual([association]);
    w.at(7 * HOUR - 1000);
    expect(w.served()?.issue).toBe(last);
    expect(w.info()).toMatchObject(PROFILE);
    w.at(7 * HOUR);
    expect([w.served(), w.roleListed()]).toEqual([null, null]);
    expect(w.info()).toMatchObject(PROFILE);
  });

  it("S5f: a profile re-created under the same name gets a new AIPA id, and the old association does not deliver its role", () => {
    const w = seedWorld();
    const last = w.key();
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.plane.deleteInstanceProfile("MyInPr");
    w.at(10 * MIN);
    const recreated = w.plane.createInstanceProfile({ name: "MyInPr" });
    expect(recreated).toMatchObject({ arn: PROFILE.InstanceProfileArn, createDate: START + 10 * MIN, roles: [] });
    expect(recreated.instanceProfileId).toMatch(/^AIPA[A-Z0-9]{17}$/);
    expect(recreated.instanceProfileId).not.toBe(PROFILE.InstanceProfileId);
    expect(fault(() => w.plane.createInstanceProfile({ name: "myinpr" }))).toEqual({ code: "EntityAlreadyExists", message: "Instance Profile myinpr already exists.", status: 409 });
    w.plane.addRoleToInstanceProfile("MyInPr", "RedRole");
    w.at(2 * HOUR);
    expect(w.key()).toBe(last);
    expect(w.info()).toMatchObject(PROFILE);
    w.at(7 * HOUR);
    expect(w.served()).toBeNull();
  });

  it("S6: a role deleted and re-created under the same name is another role, delivered by the swap rule", () => {
    const w = seedWorld();
    const old = { key: w.key() ?? "", roleId: w.roleId("RedRole") };
    w.at(MIN);
    w.plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    w.plane.deleteRole("RedRole");
    expect(w.plane.getInstanceProfile("MyInPr").roles).toEqual([]);
    const recreated = w.plane.createRole({ name: "RedRole", assumeRolePolicyDocument: TRUST });
    expect(recreated.roleId).not.toBe(old.roleId);
    w.plane.addRoleToInstanceProfile("MyInPr", "RedRole");
    w.at(55 * MIN - 1000);
    expect(w.served()?.role.roleId).toBe(old.roleId);
    w.at(55 * MIN);
    expect(w.served()?.role).toMatchObject({ name: "RedRole", roleId: recreated.roleId });
    expect(w.plane.caller(old.key)).toMatchObject({ status: "revoked", userId: `${old.roleId}:${w.id}` });
  });

  it("S7: credentials rotate hourly, each valid six hours, never served within five minutes of expiry", () => {
    const w = seedWorld();
    for (let t = 0; t < 24 * HOUR; t += 7 * MIN) {
      w.at(t);
      const issue = w.served()?.issue;
      expect(issue?.issuedAt).toBe(START + Math.floor(t / HOUR) * HOUR);
      expect(issue && issue.expiresAt - issue.issuedAt).toBe(6 * HOUR);
      expect(issue && issue.expiresAt - w.clock.now()).toBeGreaterThan(MIN_ROTATION_HEADROOM_MS);
    }
  });
});
