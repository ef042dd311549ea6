import { describe, expect, it } from "vitest";
import { ImdsError } from "../../src/errors.js";
import { parseCredentials, parseIamInfo, parseIdentityDocument, parseRoleList } from "../../src/imds/parse.js";
import { parseTimestamp } from "../../src/imds/timestamp.js";
import { Secret } from "../../src/secret.js";

// Bodies as IMDS writes them: 2-space indent, " : " separators, no trailing newline (docs/wire.md, iam/info and Credentials document).
const INFO = `{
  "Code" : "Success",
  "LastUpdated" : "2021-09-23T16:03:25Z",
  "InstanceProfileArn" : "arn:aws:iam::111111111111:instance-profile/MyInPr",
  "InstanceProfileId" : "AIPAZVTINAMEXAMPLE"
}`;

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";
const CREDENTIALS = `{
  "Code" : "Success",
  "LastUpdated" : "2020-01-20T20:38:30Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
  "SecretAccessKey" : "${SECRET}",
  "Token" : "${TOKEN}",
  "Expiration" : "2020-01-21T03:01:06Z"
}`;

const UNAUTHORIZED = `{
  "Code" : "AssumeRoleUnauthorizedAccess",
  "Message" : "EC2 cannot assume the role RedRole.",
  "LastUpdated" : "2018-01-18T23:43:19Z"
}`;

const IDENTITY = `{
  "accountId" : "123456789012",
  "availabilityZone" : "us-west-2b",
  "instanceId" : "i-1234567890abcdef0",
  "region" : "us-west-2",
  "version" : "2017-09-30"
}`;

function rejection(parse: () => unknown): ImdsError {
  try {
    parse();
  } catch (err) {
    if (err instanceof ImdsError) return err;
    throw err;
  }
  throw new Error("expected an ImdsError");
}

describe("parseTimestamp", () => {
  it.each([
    ["2020-01-21T03:01:06Z", Date.UTC(2020, 0, 21, 3, 1, 6)],
    ["2020-01-21T03:01:06.5Z", Date.UTC(2020, 0, 21, 3, 1, 6, 500)],
    ["2020-01-21T03:01:06.123456Z", Date.UTC(2020, 0, 21, 3, 1, 6, 123)],
    ["2024-02-29T23:59:59Z", Date.UTC(2024, 1, 29, 23, 59, 59)],
  ])("reads %s", (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it.each([
    "2026-02-30T00:00:00Z", // no such day
    "2025-02-29T00:00:00Z", // not a leap year
    "2026-13-01T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:60:00Z",
    "2026-01-01T00:00:60Z",
    "2026-01-01T00:00:00+00:00",
    "2026-01-01T00:00:00",
    "2026-01-01",
    "2026-01-01 00:00:00Z",
    "2026-01-01T00:00:00.Z",
    " 2026-01-01T00:00:00Z",
    "1767225600",
    "",
  ])("refuses %j", (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });
});

describe("parseIamInfo", () => {
  it("reads the instance profile", () => {
    expect(parseIamInfo(INFO)).toEqual({
      code: "Success",
      lastUpdated: Date.UTC(2021, 8, 23, 16, 3, 25),
      instanceProfileArn: "arn:aws:iam::111111111111:instance-profile/MyInPr",
      instanceProfileId: "AIPAZVTINAMEXAMPLE",
    });
  });

  it.each([
    ["not JSON", "<html>", /not JSON/],
    ["a JSON array", "[]", /not a JSON object/],
    ["no InstanceProfileArn", INFO.replace(/"InstanceProfileArn".*\n/, ""), /InstanceProfileArn/],
    ["a numeric Code", INFO.replace('"Success"', "200"), /Code/],
    ["a LastUpdated with an offset", INFO.replace("16:03:25Z", "16:03:25+02:00"), /LastUpdated/],
  ])("refuses %s as a bad response naming the path and field", (_, body, detail) => {
    const err = rejection(() => parseIamInfo(body));
    expect(err).toMatchObject({ failure: "bad-response", path: "/latest/meta-data/iam/info" });
    expect(err.message).toMatch(detail);
  });
});

describe("parseRoleList", () => {
  it.each([
    ["RedRole", "RedRole"],
    ["RedRole\n", "RedRole"],
    ["  RedRole \r\n", "RedRole"],
    ["RedRole\nBlueRole", "RedRole"],
    ["role+=,.@_-1", "role+=,.@_-1"],
    ["", null],
    ["\n \n", null],
  ])("reads %j as %j", (body, role) => {
    expect(parseRoleList(body)).toBe(role);
  });

  it.each(["../info", "Red Role", "a".repeat(65), "RedRole/"])("refuses %j, which is not an IAM role name", (body) => {
    expect(rejection(() => parseRoleList(body))).toMatchObject({ failure: "bad-response" });
  });
});

describe("parseCredentials", () => {
  it("reads served credentials, the secret parts wrapped as Secrets", () => {
    const creds = parseCredentials(CREDENTIALS);
    expect(creds).toMatchObject({
      code: "Success",
      type: "AWS-HMAC",
      accessKeyId: "ASIAIOSFODNN7EXAMPLE",
      lastUpdated: Date.UTC(2020, 0, 20, 20, 38, 30),
      expiration: Date.UTC(2020, 0, 21, 3, 1, 6),
    });
    if (!("secretAccessKey" in creds)) throw new Error("expected Success");
    expect(creds.secretAccessKey).toBeInstanceOf(Secret);
    expect(creds.secretAccessKey.reveal()).toBe(SECRET);
    expect(creds.sessionToken.reveal()).toBe(TOKEN);
    expect(JSON.stringify(creds)).not.toMatch(new RegExp(`${TOKEN}|${SECRET.slice(0, 12)}`));
  });

  it("reads a Code other than Success as a state, not an error", () => {
    expect(parseCredentials(UNAUTHORIZED)).toEqual({
      code: "AssumeRoleUnauthorizedAccess",
      message: "EC2 cannot assume the role RedRole.",
      lastUpdated: Date.UTC(2018, 0, 18, 23, 43, 19),
    });
  });

  it.each(["AccessKeyId", "SecretAccessKey", "Token", "Expiration", "LastUpdated", "Type"])(
    "refuses Success without %s",
    (field) => {
      const fields = JSON.parse(CREDENTIALS) as Record<string, unknown>;
      delete fields[field];
      const body = JSON.stringify(fields);
      const err = rejection(() => parseCredentials(body, "/latest/meta-data/iam/security-credentials/RedRole"));
      expect(err).toMatchObject({ failure: "bad-response", path: "/latest/meta-data/iam/security-credentials/RedRole" });
      expect(err.message).toContain(field);
    },
  );

  it.each([
    ["truncated JSON", CREDENTIALS.slice(0, -20)],
    ["an impossible Expiration", CREDENTIALS.replace("2020-01-21T03:01:06Z", "2020-02-30T03:01:06Z")],
    ["a numeric Token", CREDENTIALS.replace(`"${TOKEN}"`, "12345")],
  ])("keeps the body's secrets out of the error for %s", (_, body) => {
    const err = rejection(() => parseCredentials(body));
    const everything = `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${String(err.cause)}`;
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(TOKEN);
    expect(err.cause).toBeUndefined();
  });
});

describe("parseIdentityDocument", () => {
  it("reads account, region, instance and zone", () => {
    expect(parseIdentityDocument(IDENTITY)).toEqual({
      accountId: "123456789012",
      region: "us-west-2",
      instanceId: "i-1234567890abcdef0",
      availabilityZone: "us-west-2b",
    });
  });

  it("does without an availability zone", () => {
    expect(parseIdentityDocument(IDENTITY.replace(/"availabilityZone".*\n/, ""))).not.toHaveProperty("availabilityZone");
  });

  it.each([
    ["an account id that is not 12 digits", IDENTITY.replace("123456789012", "12345")],
    ["a numeric account id", IDENTITY.replace('"123456789012"', "123456789012")],
    ["no region", IDENTITY.replace(/"region".*\n/, "")],
  ])("refuses %s", (_, body) => {
    expect(rejection(() => parseIdentityDocument(body))).toMatchObject({
      failure: "bad-response",
      path: "/latest/dynamic/instance-identity/document",
    });
  });
});
