import { DescribeIamInstanceProfileAssociationsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetInstanceProfileCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryApi, type AwsApi } from "../../src/aws/api.js";
import { AwsResponseError } from "../../src/aws/errors.js";
import { ManualClock } from "../../src/clock.js";
import { Secret } from "../../src/secret.js";
import { associationsXml, PROTOCOL_ASSOCIATIONS, PROTOCOL_CALLER_IDENTITY, PROTOCOL_INSTANCE_PROFILE } from "../support/aws-bodies.js";
import { endpointsAt, startFakeAws, type Answer, type FakeAws } from "../support/aws-loopback.js";

const INSTANCE = "i-0123456789abcdef0";
const credentials = { accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: new Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), sessionToken: new Secret("token") };

let fake: FakeAws;
let answers: Record<string, Answer>;
let api: AwsApi;
beforeAll(async () => {
  fake = await startFakeAws((req) => answers[req.service] ?? { status: 500, body: "" });
  api = queryApi({ clock: new ManualClock("2026-11-29T08:08:55Z"), region: "eu-west-1", endpoints: endpointsAt(fake.url), timeoutMs: 2000, maxBodyBytes: 8192 });
});
afterAll(() => fake.close());
beforeEach(() => {
  answers = { sts: { status: 200, body: PROTOCOL_CALLER_IDENTITY }, iam: { status: 200, body: PROTOCOL_INSTANCE_PROFILE }, ec2: { status: 200, body: PROTOCOL_ASSOCIATIONS } };
  fake.requests.length = 0;
});

function sdkClients() {
  const config = { region: "eu-west-1", endpoint: fake.url, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: "x", sessionToken: "token" }, maxAttempts: 1 };
  return { sts: new STSClient(config), iam: new IAMClient(config), ec2: new EC2Client(config) };
}

describe("the requests, byte for byte (docs/wire.md, Query protocol)", () => {
  it("carry the documented bodies, the same the SDK sends, form-encoded and signed with the session token", async () => {
    const sdk = sdkClients();
    await sdk.sts.send(new GetCallerIdentityCommand({}));
    await sdk.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "my-profile" }));
    await sdk.ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "instance-id", Values: [INSTANCE] }] }));
    await api.getCallerIdentity(credentials);
    await api.getInstanceProfile("my-profile", credentials);
    await api.describeAssociation(INSTANCE, credentials);
    const bodies = fake.requests.map((r) => r.body);
    expect(bodies.slice(3)).toEqual([
      "Action=GetCallerIdentity&Version=2011-06-15",
      "Action=GetInstanceProfile&Version=2010-05-08&InstanceProfileName=my-profile",
      `Action=DescribeIamInstanceProfileAssociations&Version=2016-11-15&Filter.1.Name=instance-id&Filter.1.Value.1=${INSTANCE}`,
    ]);
    expect(bodies.slice(3)).toEqual(bodies.slice(0, 3));
    for (const r of fake.requests.slice(3)) {
      expect(r.headers["content-type"]).toBe("application/x-www-form-urlencoded; charset=utf-8");
      expect(r.headers["x-amz-security-token"]).toBe("token");
      expect(r.headers["x-amz-date"]).toBe("20261129T080855Z");
      expect(r.headers["user-agent"]).toMatch(/^rolewatch\//);
    }
  });
});

describe("the answers, read as the SDK reads them", () => {
  it("GetCallerIdentity", async () => {
    const sdk = await sdkClients().sts.send(new GetCallerIdentityCommand({}));
    const ours = await api.getCallerIdentity(credentials);
    expect(ours).toMatchObject({ arn: sdk.Arn, account: sdk.Account });
    expect(ours.principal === "assumed-role" && `${ours.roleId}:${ours.session}`).toBe(sdk.UserId);
  });

  it("GetInstanceProfile", async () => {
    const sdk = (await sdkClients().iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "my-profile" }))).InstanceProfile;
    expect(await api.getInstanceProfile("my-profile", credentials)).toEqual({
      name: sdk?.InstanceProfileName, arn: sdk?.Arn, id: sdk?.InstanceProfileId,
      roles: sdk?.Roles?.map((r) => ({ name: r.RoleName, id: r.RoleId, arn: r.Arn })),
    });
  });

  it("DescribeIamInstanceProfileAssociations", async () => {
    const filter = { Filters: [{ Name: "instance-id", Values: [INSTANCE] }] };
    const sdk = (await sdkClients().ec2.send(new DescribeIamInstanceProfileAssociationsCommand(filter))).IamInstanceProfileAssociations?.[0];
    expect(await api.describeAssociation(INSTANCE, credentials)).toEqual({
      associationId: sdk?.AssociationId, arn: sdk?.IamInstanceProfile?.Arn, id: sdk?.IamInstanceProfile?.Id, state: sdk?.State,
    });
  });

  it("follows EC2's nextToken and picks the live association among the pages", async () => {
    const item = (n: number, state: string) => ({ associationId: `iip-assoc-0000000${n}`, instanceId: INSTANCE, arn: `arn:aws:iam::111122223333:instance-profile/p${n}`, id: `AIPAEXAMPLEPROFILE${n}`, state });
    fake.handler = (req) => ({
      status: 200,
      body: req.params.get("NextToken") === "page-2" ? associationsXml([item(2, "associated")]) : associationsXml([item(1, "disassociated")], "page-2"),
    });
    try {
      expect(await api.describeAssociation(INSTANCE, credentials)).toMatchObject({ associationId: "iip-assoc-00000002", state: "associated" });
      expect(fake.requests.map((r) => r.params.get("NextToken"))).toEqual([null, "page-2"]);
    } finally {
      fake.handler = (req) => answers[req.service] ?? { status: 500, body: "" };
    }
  });
});

describe("answers out of shape", () => {
  it.each([
    ["a body over the cap", { status: 200, body: `<GetCallerIdentityResponse>${" ".repeat(9000)}</GetCallerIdentityResponse>` }, "over 8192 bytes"],
    ["malformed XML", { status: 200, body: "<GetCallerIdentityResponse>" }, "malformed XML"],
    ["another action's answer", { status: 200, body: PROTOCOL_INSTANCE_PROFILE }, "expected <GetCallerIdentityResponse>"],
  ])("%s is an AwsResponseError", async (_what, answer, detail) => {
    answers.sts = answer;
    const error = await api.getCallerIdentity(credentials).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsResponseError);
    expect(String(error)).toContain(detail);
  });
});

describe("sockets", () => {
  const sockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
  it("none is left open after a success, an error envelope or a body over the cap", async () => {
    const before = sockets();
    await api.getCallerIdentity(credentials);
    answers.iam = { status: 403, body: "<ErrorResponse><Error><Code>AccessDenied</Code><Message>m</Message></Error></ErrorResponse>" };
    await api.getInstanceProfile("p", credentials).catch(() => undefined);
    answers.ec2 = { status: 200, body: "x".repeat(100_000) };
    await api.describeAssociation(INSTANCE, credentials).catch(() => undefined);
    expect(sockets()).toBe(before);
  });
});
