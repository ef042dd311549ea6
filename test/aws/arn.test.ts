import { describe, expect, it } from "vitest";
import { NOT_AWS_FORMAT, parseAssumedRoleArn, profileNameFromArn, roleIdFromUserId, toStsIdentity } from "../../src/aws/arn.js";

describe("an STS caller identity", () => {
  const table = [
    {
      what: "an instance-profile session gives role, RoleId and the instance id as session",
      caller: { arn: "arn:aws:sts::123456789012:assumed-role/my-ec2-role/i-0123456789abcdef0", userId: "AROA3XFRBF535PLBIFPI4:i-0123456789abcdef0", account: "123456789012" },
      identity: { principal: "assumed-role", role: "my-ec2-role", roleId: "AROA3XFRBF535PLBIFPI4", session: "i-0123456789abcdef0" },
    },
    {
      what: "a role session in aws-cn",
      caller: { arn: "arn:aws-cn:sts::123456789012:assumed-role/RedRole/i-0abc", userId: "AROAEXAMPLEEXAMPLE01:i-0abc", account: "123456789012" },
      identity: { principal: "assumed-role", role: "RedRole", roleId: "AROAEXAMPLEEXAMPLE01", session: "i-0abc" },
    },
    {
      what: "a role session in aws-us-gov, role name with the characters IAM allows",
      caller: { arn: "arn:aws-us-gov:sts::123456789012:assumed-role/a+b=c,d.e@f-g_h/sess@x.y", userId: "AROAEXAMPLEEXAMPLE02:sess@x.y", account: "123456789012" },
      identity: { principal: "assumed-role", role: "a+b=c,d.e@f-g_h", roleId: "AROAEXAMPLEEXAMPLE02", session: "sess@x.y" },
    },
    {
      what: "the instance identity role keeps its aws:ec2-instance name; its 'RoleId' is the UserId's prefix, no AROA id",
      caller: { arn: "arn:aws:sts::123456789012:assumed-role/aws:ec2-instance/i-0ab11ba319180ecd4", userId: "123456789012:aws:ec2-instance:i-0ab11ba319180ecd4", account: "123456789012" },
      identity: { principal: "assumed-role", role: "aws:ec2-instance", roleId: "123456789012:aws:ec2-instance", session: "i-0ab11ba319180ecd4" },
    },
    {
      what: "an IAM user is not a role",
      caller: { arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAEXAMPLEEXAMPLE03", account: "123456789012" },
      identity: { principal: "other", userId: "AIDAEXAMPLEEXAMPLE03" },
    },
    {
      what: "the account root is not a role",
      caller: { arn: "arn:aws:iam::123456789012:root", userId: "123456789012", account: "123456789012" },
      identity: { principal: "other", userId: "123456789012" },
    },
    {
      what: "a federated user is not a role",
      caller: { arn: "arn:aws:sts::123456789012:federated-user/bob", userId: "123456789012:bob", account: "123456789012" },
      identity: { principal: "other", userId: "123456789012:bob" },
    },
  ];
  it.each(table)("$what", ({ caller, identity }) => {
    expect(toStsIdentity(caller)).toEqual({ arn: caller.arn, account: caller.account, ...identity });
  });

  it("reads a UserId that names another session than the ARN as no role session at all, naming neither", () => {
    const caller = { arn: "arn:aws:sts::123456789012:assumed-role/R/i-0000000000000001", userId: "AROAEXAMPLEEXAMPLE01:i-0000000000000002", account: "123456789012" };
    expect(toStsIdentity(caller)).toEqual({ principal: "other", arn: NOT_AWS_FORMAT, account: "123456789012", userId: NOT_AWS_FORMAT });
  });

  it.each([
    ["a role name with a control character", { arn: "arn:aws:sts::123456789012:assumed-role/R\u001bx/i-0123456789abcdef0" }],
    ["a session name of 65 characters", { arn: `arn:aws:sts::123456789012:assumed-role/R/${"s".repeat(65)}`, userId: `AROAEXAMPLEEXAMPLE01:${"s".repeat(65)}` }],
    ["a RoleId with a semicolon", { userId: "AROAEXAMPLE;EXAMPLE1:i-0123456789abcdef0" }],
    ["an Account of 13 digits", { account: "1234567890123" }],
    ["an Account other than the ARN's", { account: "999999999999" }],
  ])("reads %s as no role session at all", (_what, change) => {
    const caller = { arn: "arn:aws:sts::123456789012:assumed-role/R/i-0123456789abcdef0", userId: "AROAEXAMPLEEXAMPLE01:i-0123456789abcdef0", account: "123456789012", ...change };
    const identity = toStsIdentity(caller);
    expect(identity.principal).toBe("other");
    expect(JSON.stringify(identity)).not.toMatch(/\\u001b|;|s{65}|1234567890123/);
  });

  it.each([
    "arn:aws:sts::123456789012:assumed-role/R", // no session
    "arn:aws:sts::12345678901:assumed-role/R/s", // 11-digit account
    "arn:aws:iam::123456789012:role/R", // a role, not a session of it
    "arn:aws-iso:sts::123456789012:assumed-role/R/s", // a partition rolewatch does not know
    "arn:aws:sts::123456789012:assumed-role/path/R/s", // STS ARNs carry no path
  ])("%s is not an assumed-role ARN", (arn) => {
    expect(parseAssumedRoleArn(arn)).toBeNull();
  });

  it.each([
    ["AROAX:i-1", "i-1", "AROAX"],
    ["AROAX:i-1", "i-2", null],
    [":i-1", "i-1", null],
    ["AROAX", "AROAX", null],
  ])("UserId %s with session %s gives RoleId %s", (userId, session, roleId) => {
    expect(roleIdFromUserId(userId, session)).toBe(roleId);
  });
});

describe("the instance profile name from the IMDS InstanceProfileArn", () => {
  it.each([
    ["arn:aws:iam::111111111111:instance-profile/AWSCookbook106InstanceProfile", "AWSCookbook106InstanceProfile"],
    ["arn:aws:iam::123456789012:instance-profile/team/web/MyInPr", "MyInPr"],
    ["arn:aws:iam::123456789012:instance-profile/a/MyInPr", "MyInPr"],
    ["arn:aws-cn:iam::123456789012:instance-profile/p", "p"],
    ["arn:aws-us-gov:iam::123456789012:instance-profile/x/p+=,.@-_", "p+=,.@-_"],
  ])("%s names %s (the last segment, whatever the path)", (arn, name) => {
    expect(profileNameFromArn(arn)).toBe(name);
  });

  it.each([
    "arn:aws:iam::123456789012:role/MyRole",
    "arn:aws:iam::123456789012:instance-profile/",
    "arn:aws:iam::123456789012:instance-profile/path/",
    "arn:aws:sts::123456789012:instance-profile/p",
    "instance-profile/p",
    "",
  ])("%j names no profile", (arn) => {
    expect(profileNameFromArn(arn)).toBeNull();
  });
});
