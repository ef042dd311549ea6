import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { parseAssociationPage, parseAssumeRole, parseProfilePage } from "../../src/aws/list-parse.js";
import { ShapeError } from "../../src/aws/parse.js";
import { parseXml } from "../../src/aws/xml.js";
import { assumeRoleXml, associationsXml, profilePageXml, type AssociationItem, type ListedProfileXml } from "../support/aws-bodies.js";

const RED: ListedProfileXml = {
  name: "MyInPr", id: "AIPAD5ARO2C5EXAMPLE3G", arn: "arn:aws:iam::123456789012:instance-profile/MyInPr",
  roles: [{ name: "RedRole", id: "AROA3XFRBF535PLBIFPI4", arn: "arn:aws:iam::123456789012:role/RedRole" }],
};
const EMPTY: ListedProfileXml = { name: "Empty", id: "AIPAEMPTYEMPTYEMPTY1", arn: "arn:aws:iam::123456789012:instance-profile/ops/Empty", roles: [] };
const ASSOC: AssociationItem = {
  associationId: "iip-assoc-0db249b1f25fa24b8", instanceId: "i-0123456789abcdef0", arn: RED.arn, id: RED.id, state: "associated",
};
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN = "FQoGZXIvYXdzEXAMPLEtokenEXAMPLEtokenEXAMPLE==";
const CREDS = { accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET, sessionToken: TOKEN, expiration: "2026-11-29T09:00:00Z", roleArn: "arn:aws:iam::111122223333:role/rolewatch-account" };

const profiles = (xml: string) => parseProfilePage(parseXml(xml));
const associations = (xml: string) => parseAssociationPage(parseXml(xml));

describe("IAM ListInstanceProfiles pages", () => {
  it("give each profile with its role (or none) and the marker of the next page", () => {
    expect(profiles(profilePageXml([RED, EMPTY], "AAEXAMPLEmarker=="))).toEqual({
      profiles: [
        { name: "MyInPr", id: RED.id, arn: RED.arn, roles: [{ name: "RedRole", id: "AROA3XFRBF535PLBIFPI4", arn: "arn:aws:iam::123456789012:role/RedRole" }] },
        { name: "Empty", id: EMPTY.id, arn: EMPTY.arn, roles: [] },
      ],
      marker: "AAEXAMPLEmarker==",
    });
    expect(profiles(profilePageXml([])).marker).toBeNull();
  });

  it("read a page without IsTruncated as the last, as the SDKs do (moto_server leaves it out)", () => {
    expect(profiles(profilePageXml([RED]).replace("<IsTruncated>false</IsTruncated>", "")).marker).toBeNull();
  });

  it.each<[string, string]>([
    ["a profile ARN with a newline", profilePageXml([{ ...RED, arn: "arn:aws:iam::123456789012:instance-profile/My\nInPr" }])],
    ["a profile id with a quote", profilePageXml([{ ...RED, id: 'AIPAD5ARO2C5EX"MPLE' }])],
    ["a role name with a brace", profilePageXml([{ ...RED, roles: [{ ...RED.roles[0]!, name: "Red}Role" }] }])],
    ["a RoleId of 200 characters", profilePageXml([{ ...RED, roles: [{ ...RED.roles[0]!, id: "A".repeat(200) }] }])],
    ["a truncated page without its marker", profilePageXml([RED]).replace("<IsTruncated>false</IsTruncated>", "<IsTruncated>true</IsTruncated>")],
    ["a marker with a control character", profilePageXml([RED], "abc&#x9;")],
    ["a marker of 400 characters", profilePageXml([RED], "m".repeat(400))],
    ["IsTruncated that is neither true nor false", profilePageXml([RED]).replace(">false<", ">maybe<")],
    ["another action's answer", profilePageXml([RED]).replaceAll("ListInstanceProfiles", "GetInstanceProfile")],
  ])("refuse %s: the page fails, the value reaches nothing", (_what, xml) => {
    expect(() => profiles(xml)).toThrow(ShapeError);
  });
});

describe("EC2 DescribeIamInstanceProfileAssociations pages, unfiltered", () => {
  it("give each association with its instance, profile and state, and the next token", () => {
    expect(associations(associationsXml([ASSOC, { ...ASSOC, instanceId: "i-0abc1234", associationId: "iip-assoc-01234567", state: "disassociating" }], "tok/en+1=="))).toEqual({
      associations: [
        { instanceId: "i-0123456789abcdef0", associationId: ASSOC.associationId, arn: RED.arn, id: RED.id, state: "associated" },
        { instanceId: "i-0abc1234", associationId: "iip-assoc-01234567", arn: RED.arn, id: RED.id, state: "disassociating" },
      ],
      nextToken: "tok/en+1==",
    });
    expect(associations(associationsXml([])).nextToken).toBeNull();
  });

  it.each<[string, string]>([
    ["an instance id that is not one", associationsXml([{ ...ASSOC, instanceId: "i-../../x" }])],
    ["a state EC2 does not have", associationsXml([{ ...ASSOC, state: "stolen" }])],
    ["an association id out of format", associationsXml([{ ...ASSOC, associationId: "iip-assoc-zz" }])],
    ["a profile ARN of another service", associationsXml([{ ...ASSOC, arn: "arn:aws:s3:::bucket" }])],
    ["a token with a space", associationsXml([ASSOC], "a b")],
    ["a token of 2,000 characters", associationsXml([ASSOC], "t".repeat(2000))],
  ])("refuse %s", (_what, xml) => {
    expect(() => associations(xml)).toThrow(ShapeError);
  });
});

describe("STS AssumeRole", () => {
  it("gives the credentials with their expiration, the secret parts wrapped", () => {
    const creds = parseAssumeRole(parseXml(assumeRoleXml(CREDS)));
    expect(creds.accessKeyId).toBe("ASIAIOSFODNN7EXAMPLE");
    expect(creds.expiration).toBe(Date.parse("2026-11-29T09:00:00Z"));
    expect(creds.secretAccessKey.reveal()).toBe(SECRET);
    expect(creds.sessionToken?.reveal()).toBe(TOKEN);
    const shown = `${JSON.stringify(creds)} ${inspect(creds)} ${String(creds.secretAccessKey)}`;
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(TOKEN);
  });

  it.each<[string, string]>([
    ["a session token with a newline", assumeRoleXml({ ...CREDS, sessionToken: "abc\ndefghijklmnopqrstuvwxyz" })],
    ["an expiration that is no time", assumeRoleXml({ ...CREDS, expiration: "tomorrow" })],
    ["an expiration on February 31st", assumeRoleXml({ ...CREDS, expiration: "2026-02-31T00:00:00Z" })],
    ["an access key id with a slash", assumeRoleXml({ ...CREDS, accessKeyId: "ASIA/IOSFODNN7EXAMPLE" })],
  ])("refuses %s, and the error never holds a secret", (_what, xml) => {
    let error: unknown;
    try {
      parseAssumeRole(parseXml(xml));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShapeError);
    expect(String((error as Error).message)).not.toContain(SECRET);
  });
});
