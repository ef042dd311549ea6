/**
 * rolewatch looks the instance profile up by the name iam/info gives. A profile deleted is not
 * one that holds no role, and one deleted and created again under that name is another profile
 * (another InstanceProfileId) though it holds the same role (docs/contract.md, Drift kinds).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/check-text.js";
import { associationsXml, IAM_NS, queryErrorXml } from "../support/aws-bodies.js";
import { AgentField, ASSOCIATION_ID, healthy, INSTANCE, kinds, MINUTE, PROFILE_ARN, PROFILE_ID, PROFILE_ID_AGAIN, profileXml } from "../support/agent-loopback.js";

let field: AgentField;
beforeEach(async () => {
  field = await AgentField.start();
});
afterEach(() => field.close());

const noSuchEntity = () => ({ status: 404, body: queryErrorXml("NoSuchEntity", "Instance Profile MyInPr cannot be found.", IAM_NS) });

describe("an instance profile deleted", () => {
  it("is profile_missing, not profile_empty, with the commands that end it", async () => {
    await field.poll();
    field.answers.iam = noSuchEntity;
    const report = await field.run(6 * MINUTE);
    expect(kinds(report)).toEqual(["profile_missing"]);
    expect(report.drifts[0]).toMatchObject({ severity: "critical", detail: "instance profile MyInPr, which iam/info names, does not exist in IAM (NoSuchEntity); IMDS still serves RedRole's credentials" });
    expect(report.sources.profile).toMatchObject({ state: "fresh" });
    expect(await field.value("rolewatch_drift", { kind: "profile_missing" })).toBe(1);
    expect(await field.value("rolewatch_drift", { kind: "profile_empty" })).toBe(0);
    expect(field.events("drift-detected").map((e) => e.rolewatch?.["drift"])).toMatchObject([{ kind: "profile_missing", severity: "critical" }]);
    const text = checkText(report, field.clock.now());
    expect(text).toContain("$ aws iam get-instance-profile --instance-profile-name MyInPr");
    expect(text).toContain(`$ aws ec2 replace-iam-instance-profile-association --association-id ${ASSOCIATION_ID} --iam-instance-profile Name=MyInPr`);
  });

  it("resolves once IAM has the profile again", async () => {
    field.answers.iam = noSuchEntity;
    await field.poll();
    field.answers.iam = healthy.iam;
    const report = await field.run(6 * MINUTE);
    expect(kinds(report)).toEqual([]);
    expect(field.events("drift-resolved")).toMatchObject([{ rolewatch: { drift: { kind: "profile_missing", resolution: "instance profile MyInPr exists in IAM" } } }]);
  });
});

describe("an instance profile deleted and created again under the same name", () => {
  it("is profile_recreated, though the new profile holds the same role", async () => {
    await field.poll();
    field.answers.iam = () => ({ status: 200, body: profileXml(PROFILE_ID_AGAIN) });
    const report = await field.run(6 * MINUTE);
    expect(kinds(report)).toEqual(["profile_recreated"]);
    expect(report.drifts[0]?.detail).toBe(`instance profile MyInPr was deleted and created again: IAM's has InstanceProfileId ${PROFILE_ID_AGAIN}, iam/info shows ${PROFILE_ID} and the association shows ${PROFILE_ID}; the instance is tied to a profile that no longer exists`);
    expect(report.profile).toEqual({ name: "MyInPr", roles: [{ name: "RedRole", id: "AROAREDREDREDREDRED01" }] });
    expect(checkText(report, field.clock.now())).toContain(`$ aws ec2 replace-iam-instance-profile-association --association-id ${ASSOCIATION_ID} --iam-instance-profile Name=MyInPr`);
  });

  it("resolves when a new association ties the instance to the profile that exists", async () => {
    field.answers.iam = () => ({ status: 200, body: profileXml(PROFILE_ID_AGAIN) });
    expect(kinds(await field.poll())).toEqual(["profile_recreated"]);
    field.profileId(PROFILE_ID_AGAIN);
    field.answers.ec2 = () => ({ status: 200, body: associationsXml([{ associationId: "iip-assoc-0fedcba9876543210", instanceId: INSTANCE, arn: PROFILE_ARN, id: PROFILE_ID_AGAIN, state: "associated" }]) });
    const report = await field.run(6 * MINUTE);
    expect(kinds(report)).toEqual([]);
    expect(field.events("drift-resolved")).toMatchObject([{ rolewatch: { drift: { kind: "profile_recreated", resolution: `iam/info shows InstanceProfileId ${PROFILE_ID_AGAIN}, the id IAM has for instance profile MyInPr` } } }]);
  });
});
