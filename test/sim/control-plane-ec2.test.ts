import { describe, expect, it } from "vitest";
import { START, fault, seedWorld } from "./world-support.js";

const PROFILE_ARN = "arn:aws:iam::111122223333:instance-profile/MyInPr";

describe("EC2 over the world", () => {
  it("describes the scenario's association, filtered by instance id and state", () => {
    const { plane, id } = seedWorld();
    const all = plane.describeIamInstanceProfileAssociations({});
    expect(all).toEqual([
      {
        associationId: expect.stringMatching(/^iip-assoc-[0-9a-f]{17}$/),
        instanceId: id,
        profileArn: PROFILE_ARN,
        profileId: "AIPAM7YNPR2KD5QWX8HTC",
        state: "associated",
        timestamp: START,
      },
    ]);
    expect(plane.describeIamInstanceProfileAssociations({ instanceIds: [id], states: ["associated"] })).toEqual(all);
    expect(plane.describeIamInstanceProfileAssociations({ instanceIds: ["i-00000000000000000"] })).toEqual([]);
    expect(plane.describeIamInstanceProfileAssociations({ states: ["associating"] })).toEqual([]);
    expect(plane.describeIamInstanceProfileAssociations({ associationIds: [all[0]?.associationId ?? ""] })).toEqual(all);
  });

  it("shows an association associating for the configured seconds, then associated; a disassociated one only when asked for", () => {
    const w = seedWorld();
    const [old] = w.plane.describeIamInstanceProfileAssociations({});
    w.plane.disassociateIamInstanceProfile(old?.associationId ?? "");
    expect(w.plane.describeIamInstanceProfileAssociations({}).map((a) => a.state)).toEqual(["disassociating"]);
    w.at(5000);
    expect(w.plane.describeIamInstanceProfileAssociations({})).toEqual([]);
    expect(w.plane.describeIamInstanceProfileAssociations({ states: ["disassociated"] }).map((a) => a.associationId)).toEqual([old?.associationId]);
    const created = w.plane.associateIamInstanceProfile(w.id, { arn: PROFILE_ARN });
    expect(created).toMatchObject({ state: "associating", timestamp: START + 5000 });
    expect(created.associationId).not.toBe(old?.associationId);
    w.at(10_000);
    expect(w.plane.describeIamInstanceProfileAssociations({}).map((a) => a.state)).toEqual(["associated"]);
  });

  it.each<[string, (w: ReturnType<typeof seedWorld>) => unknown, { code: string; message: string; status: number }]>([
    ["associating an instance that has an association", (w) => w.plane.associateIamInstanceProfile(w.id, { name: "MyInPr" }), { code: "IncorrectState", message: expect.stringMatching(/^There is an existing association for instance i-[0-9a-f]{17}$/), status: 400 }],
    ["associating a missing instance", (w) => w.plane.associateIamInstanceProfile("i-00000000000000000", { name: "MyInPr" }), { code: "InvalidInstanceID.NotFound", message: "The instance ID 'i-00000000000000000' does not exist", status: 400 }],
    ["a malformed instance id", (w) => w.plane.stopInstances(["web-1"]), { code: "InvalidInstanceID.Malformed", message: 'Invalid id: "web-1"', status: 400 }],
    ["several missing instances", (w) => w.plane.rebootInstances([w.id, "i-00000000", "i-11111111"]), { code: "InvalidInstanceID.NotFound", message: "The instance IDs 'i-00000000, i-11111111' do not exist", status: 400 }],
    ["a missing profile by name", (w) => w.plane.replaceIamInstanceProfileAssociation(association(w), { name: "Ghost" }), { code: "InvalidParameterValue", message: "Value (Ghost) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name", status: 400 }],
    ["a missing profile by ARN", (w) => w.plane.replaceIamInstanceProfileAssociation(association(w), { arn: "arn:aws:iam::111122223333:instance-profile/Ghost" }), { code: "InvalidParameterValue", message: expect.stringContaining("iamInstanceProfile.arn is invalid"), status: 400 }],
    ["disassociating an unknown association", (w) => w.plane.disassociateIamInstanceProfile("iip-assoc-00000000000000000"), { code: "InvalidAssociationID.NotFound", message: "The association ID 'iip-assoc-00000000000000000' does not exist", status: 400 }],
    ["describing an unknown association", (w) => w.plane.describeIamInstanceProfileAssociations({ associationIds: ["iip-assoc-00000000000000000"] }), { code: "InvalidAssociationID.NotFound", message: "The association ID 'iip-assoc-00000000000000000' does not exist", status: 400 }],
    ["disassociating twice", (w) => [0, 1].map(() => w.plane.disassociateIamInstanceProfile(association(w))), { code: "InvalidAssociationID.NotFound", message: expect.stringContaining("does not exist"), status: 400 }],
  ])("refuses %s as EC2 does", (_what, action, expected) => {
    const w = seedWorld();
    expect(fault(() => action(w))).toEqual(expected);
  });

  it("answers a stop of a stopped instance and a start of a running one with their unchanged state", () => {
    const { plane, id } = seedWorld();
    expect(plane.startInstances([id])[0]).toMatchObject({ previous: { code: 16, name: "running" }, current: { code: 16, name: "running" } });
    plane.stopInstances([id]);
    expect(plane.stopInstances([id])[0]).toMatchObject({ previous: { code: 80, name: "stopped" }, current: { code: 80, name: "stopped" } });
  });
});

function association(w: ReturnType<typeof seedWorld>): string {
  return w.plane.describeIamInstanceProfileAssociations({ instanceIds: [w.id] })[0]?.associationId ?? "";
}
