import { describe, expect, it } from "vitest";
import { REVOKE_POLICY_NAME, revokePolicyDocument } from "../../src/sim/plane/iam-policies.js";
import { revokesBefore } from "../../src/sim/world/role-policies.js";
import { fault, seedWorld } from "./world-support.js";

// IAM's inline role policies over the world (docs/wire.md, IAM inline role policies).

const READ_ONLY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}';
const REVOKE_AT = "2026-12-01T12:00:00Z";

describe("inline role policies", () => {
  it("are put, read back verbatim, listed in name order, replaced by name and deleted", () => {
    const { plane } = seedWorld();
    plane.putRolePolicy({ roleName: "RedRole", policyName: "read-only", document: READ_ONLY });
    plane.putRolePolicy({ roleName: "redrole", policyName: "AWSRevokeOlderSessions", document: revokePolicyDocument(REVOKE_AT) });
    expect(plane.getRolePolicy("REDROLE", "read-only")).toEqual({ roleName: "RedRole", policyName: "read-only", document: READ_ONLY });
    expect(plane.listRolePolicies("RedRole")).toEqual(["AWSRevokeOlderSessions", "read-only"]);
    plane.putRolePolicy({ roleName: "RedRole", policyName: "read-only", document: "{}" });
    expect(plane.getRolePolicy("RedRole", "read-only").document).toBe("{}");
    plane.deleteRolePolicy("RedRole", "read-only");
    expect(plane.listRolePolicies("RedRole")).toEqual(["AWSRevokeOlderSessions"]);
    expect(plane.listRolePolicies("BlueRole")).toEqual([]);
  });

  it.each<[string, (p: ReturnType<typeof seedWorld>["plane"]) => unknown, { code: string; message: string; status: number }]>([
    ["PutRolePolicy on a missing role", (p) => p.putRolePolicy({ roleName: "GhostRole", policyName: "x", document: "{}" }), { code: "NoSuchEntity", message: "The role with name GhostRole cannot be found.", status: 404 }],
    ["PutRolePolicy with a document that is not JSON", (p) => p.putRolePolicy({ roleName: "RedRole", policyName: "x", document: "{" }), { code: "MalformedPolicyDocument", message: "This policy contains invalid Json", status: 400 }],
    ["PutRolePolicy with a bad name", (p) => p.putRolePolicy({ roleName: "RedRole", policyName: "no spaces", document: "{}" }), { code: "ValidationError", message: expect.stringContaining("at 'policyName' failed to satisfy constraint") as string, status: 400 }],
    [
      "PutRolePolicy past the role's 10,240 characters",
      (p) => p.putRolePolicy({ roleName: "RedRole", policyName: "big", document: JSON.stringify({ Sid: "x".repeat(10_240) }) }),
      { code: "LimitExceeded", message: "Maximum policy size of 10240 bytes exceeded for role RedRole", status: 409 },
    ],
    ["GetRolePolicy of a missing policy", (p) => p.getRolePolicy("RedRole", "nope"), { code: "NoSuchEntity", message: "The role policy with name nope cannot be found.", status: 404 }],
    ["GetRolePolicy on a missing role", (p) => p.getRolePolicy("GhostRole", "nope"), { code: "NoSuchEntity", message: "The role with name GhostRole cannot be found.", status: 404 }],
    ["ListRolePolicies on a missing role", (p) => p.listRolePolicies("GhostRole"), { code: "NoSuchEntity", message: "The role with name GhostRole cannot be found.", status: 404 }],
    ["DeleteRolePolicy of a missing policy", (p) => p.deleteRolePolicy("RedRole", "nope"), { code: "NoSuchEntity", message: "The role policy with name nope cannot be found.", status: 404 }],
  ])("%s is refused as IAM refuses it", (_what, action, expected) => {
    const { plane } = seedWorld();
    expect(fault(() => action(plane))).toEqual(expected);
  });

  it("counts the role's policies together, white space aside, against its quota", () => {
    const { plane } = seedWorld();
    const half = (sid: string) => JSON.stringify({ Sid: sid.repeat(5000) });
    plane.putRolePolicy({ roleName: "BlueRole", policyName: "a", document: half("a") });
    plane.putRolePolicy({ roleName: "BlueRole", policyName: "b", document: `  ${half("b")}\n\n` });
    expect(fault(() => plane.putRolePolicy({ roleName: "BlueRole", policyName: "c", document: half("c") })).code).toBe("LimitExceeded");
    plane.putRolePolicy({ roleName: "BlueRole", policyName: "b", document: half("c") });
  });

  it("keep a role from being deleted until they are; a role re-created under the name has none", () => {
    const { plane } = seedWorld();
    plane.putRolePolicy({ roleName: "BlueRole", policyName: "read-only", document: READ_ONLY });
    expect(fault(() => plane.deleteRole("BlueRole"))).toEqual({ code: "DeleteConflict", message: "Cannot delete entity, must delete policies first.", status: 409 });
    plane.deleteRolePolicy("BlueRole", "read-only");
    plane.deleteRole("BlueRole");
    plane.createRole({ name: "BlueRole", assumeRolePolicyDocument: "{}" });
    expect(plane.listRolePolicies("BlueRole")).toEqual([]);
  });
});

describe("the deny-older-sessions statement", () => {
  it("is the console's AWSRevokeOlderSessions document", () => {
    expect(REVOKE_POLICY_NAME).toBe("AWSRevokeOlderSessions");
    expect(JSON.parse(revokePolicyDocument(REVOKE_AT))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": REVOKE_AT } } }],
    });
    expect(revokesBefore(revokePolicyDocument(REVOKE_AT))).toBe(Date.parse(REVOKE_AT));
  });

  it("is read in the grammar's other spellings: one statement, single values, and the latest of several", () => {
    const single = { Version: "2012-10-17", Statement: { Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": "2014-05-07T23:47:00Z" } } } };
    expect(revokesBefore(JSON.stringify(single))).toBe(Date.parse("2014-05-07T23:47:00Z"));
    const later = { ...single.Statement, Condition: { DateLessThan: { "aws:TokenIssueTime": ["2026-12-01T12:00:00.000+01:00"] } } };
    expect(revokesBefore(JSON.stringify({ Statement: [single.Statement, later] }))).toBe(Date.parse("2026-12-01T11:00:00Z"));
  });

  it.each([
    ["an Allow", { Effect: "Allow" }],
    ["a narrower action", { Action: "iam:*" }],
    ["a narrower resource", { Resource: ["arn:aws:iam::111122223333:role/RedRole"] }],
    ["another condition key", { Condition: { DateLessThan: { "aws:CurrentTime": REVOKE_AT } } }],
    ["a second condition", { Condition: { DateLessThan: { "aws:TokenIssueTime": REVOKE_AT }, Bool: { "aws:MultiFactorAuthPresent": "false" } } }],
    ["another operator", { Condition: { DateGreaterThan: { "aws:TokenIssueTime": REVOKE_AT } } }],
    ["a time without a zone", { Condition: { DateLessThan: { "aws:TokenIssueTime": "2026-12-01T12:00:00" } } }],
  ])("is not %s: such a policy is kept, and denies no session", (_what, change) => {
    const statement = { Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": REVOKE_AT } }, ...change };
    expect(revokesBefore(JSON.stringify({ Version: "2012-10-17", Statement: [statement] }))).toBeNull();
  });

  it("is nowhere in a document that is not a policy object", () => {
    for (const text of ["[]", "null", '"text"', "{}", "not json"]) expect(revokesBefore(text)).toBeNull();
  });
});
