import { describe, expect, it } from "vitest";
import { parseRolePolicy } from "../../src/aws/parse.js";
import { revokedBefore } from "../../src/aws/revocation.js";
import { parseXml } from "../../src/aws/xml.js";
import { IAM_NS } from "../support/aws-bodies.js";

const T = "2026-12-01T12:00:00Z";
const encode = (document: unknown) => encodeURIComponent(typeof document === "string" ? document : JSON.stringify(document));
const consoleDocument = (time: unknown = T) => ({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": time } } }] });

describe("AWSRevokeOlderSessions' time (docs/wire.md, Revoked sessions)", () => {
  it.each([
    ["as the console writes it", consoleDocument(), Date.parse(T)],
    ["as the User Guide prints it: one statement, single values", { Version: "2012-10-17", Statement: { Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": T } } } }, Date.parse(T)],
    ["with milliseconds and another zone", consoleDocument("2026-12-01T13:00:00.250+01:00"), Date.parse(T) + 250],
    ["the latest of two", { Statement: [consoleDocument("2026-11-01T00:00:00Z").Statement[0], consoleDocument().Statement[0]] }, Date.parse(T)],
    ["none: an Allow", { Statement: [{ ...consoleDocument().Statement[0], Effect: "Allow" }] }, null],
    ["none: a deny of some actions only", { Statement: [{ ...consoleDocument().Statement[0], Action: ["s3:*"] }] }, null],
    ["none: another condition beside it", { Statement: [{ ...consoleDocument().Statement[0], Condition: { DateLessThan: { "aws:TokenIssueTime": T }, Bool: { "aws:SecureTransport": "false" } } }] }, null],
    ["none: no statement", { Version: "2012-10-17" }, null],
  ])("%s", (_what, document, expected) => {
    expect(revokedBefore(encode(document))).toBe(expected);
  });

  it.each([
    ["not URL-encoded JSON", "%7B%22Version", "<PolicyDocument> is not URL-encoded JSON"],
    ["a bad escape", "%E0%A4%A", "<PolicyDocument> is not URL-encoded JSON"],
    ["a list, not an object", encode("[1]"), "<PolicyDocument> is not a JSON object"],
    ["longer than any inline policy", "%20".repeat(20_000), "<PolicyDocument> is longer than any inline policy"],
    ["a time without a zone", encode(consoleDocument("2026-12-01T12:00:00")), "aws:TokenIssueTime is not an ISO 8601 time with a zone"],
    ["a day that does not exist", encode(consoleDocument("2026-02-31T12:00:00Z")), "aws:TokenIssueTime is not an ISO 8601 time with a zone"],
    ["a number", encode(consoleDocument(1796126400)), "aws:TokenIssueTime is not an ISO 8601 time with a zone"],
    ["text a terminal acts on", encode(consoleDocument("2026-12-01T12:00:00Z\u001b[2J")), "aws:TokenIssueTime is not an ISO 8601 time with a zone"],
  ])("refuses %s, naming no value", (_what, encoded, message) => {
    expect(() => revokedBefore(encoded)).toThrow(message);
  });
});

describe("IAM GetRolePolicy", () => {
  const answer = (role: string, policy = "AWSRevokeOlderSessions") => parseXml(`<GetRolePolicyResponse xmlns="${IAM_NS}"><GetRolePolicyResult>`
    + `<PolicyName>${policy}</PolicyName><RoleName>${role}</RoleName><PolicyDocument>${encode(consoleDocument())}</PolicyDocument>`
    + `</GetRolePolicyResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetRolePolicyResponse>`);

  it("reads the time of the policy asked for", () => {
    expect(parseRolePolicy(answer("RedRole"), "RedRole", "AWSRevokeOlderSessions")).toEqual({ role: "RedRole", revokedBefore: Date.parse(T) });
  });

  it.each([
    ["another role", answer("BlueRole"), "<RoleName> is not the role asked for"],
    ["a role name out of format", answer("Red Role"), "<RoleName> is not in its AWS format"],
    ["another policy", answer("RedRole", "Other"), "<PolicyName> is not the policy asked for"],
  ])("refuses an answer about %s", (_what, root, message) => {
    expect(() => parseRolePolicy(root, "RedRole", "AWSRevokeOlderSessions")).toThrow(message);
  });
});
