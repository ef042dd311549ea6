/**
 * The AWS SDK for JavaScript v3, unmodified, against the API port over a fake
 * control plane: every action's output parses, and the port refuses what AWS
 * refuses, with the codes the SDK's users match on.
 */
import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DisassociateIamInstanceProfileCommand,
  RebootInstancesCommand,
  ReplaceIamInstanceProfileAssociationCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AwsApi } from "../../../src/sim/aws/index.js";
import { ACCOUNT, ADMIN, INSTANCE_ID, type FakeControlPlane } from "./fake-control-plane.js";
import { clients, startFakeApi, type Keys } from "./support.js";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let api: AwsApi;
let plane: FakeControlPlane;
beforeEach(async () => ({ api, plane } = await startFakeApi()));
afterEach(() => api.close());

/** The rejection a send ends in, as the SDK reports it. */
async function refusal(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; fault: string }> {
  const error = (await promise.then(() => expect.fail("the call succeeded"), (e: unknown) => e)) as {
    name: string;
    message: string;
    $fault: string;
    $metadata: { httpStatusCode?: number };
  };
  return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode, fault: error.$fault };
}

function setUpProfile(): void {
  plane.createRole({ name: "RedRole", assumeRolePolicyDocument: TRUST });
  plane.createInstanceProfile({ name: "MyInPr" });
  plane.addRoleToInstanceProfile("MyInPr", "RedRole");
}

describe("STS GetCallerIdentity", () => {
  it("names the admin user, and the request id the response header carries", async () => {
    const out = await clients(api.url).sts.send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Arn: `arn:aws:iam::${ACCOUNT}:user/admin`, UserId: "AIDAADMINEXAMPLE00001", Account: ACCOUNT });
    expect(out.$metadata.requestId).toMatch(UUID);
  });

  it("names the assumed role and the instance for a role session signed with its token", async () => {
    setUpProfile();
    const session = plane.addSession("RedRole");
    const out = await clients(api.url, keysOf(session)).sts.send(new GetCallerIdentityCommand({}));
    expect(out.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/RedRole/${INSTANCE_ID}`);
    expect(out.UserId).toBe(`${plane.roles.get("RedRole")?.roleId}:${INSTANCE_ID}`);
  });
});

describe("IAM", () => {
  it("creates, reads and deletes a role; the policy document comes back URL-encoded, as IAM sends it", async () => {
    const { iam } = clients(api.url);
    const created = await iam.send(new CreateRoleCommand({ RoleName: "RedRole", AssumeRolePolicyDocument: TRUST, Description: "a <red> & 'quoted' role" }));
    expect(created.Role).toMatchObject({ RoleName: "RedRole", Path: "/", Arn: `arn:aws:iam::${ACCOUNT}:role/RedRole`, Description: "a <red> & 'quoted' role" });
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(created.Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(TRUST));
    expect(created.Role?.CreateDate?.toISOString()).toBe("2026-11-29T08:00:00.000Z");
    const got = await iam.send(new GetRoleCommand({ RoleName: "RedRole" }));
    expect(got.Role).toMatchObject({ RoleId: created.Role?.RoleId, MaxSessionDuration: 3600, RoleLastUsed: {} });
    await iam.send(new DeleteRoleCommand({ RoleName: "RedRole" }));
    expect(await refusal(iam.send(new GetRoleCommand({ RoleName: "RedRole" })))).toMatchObject({ name: "NoSuchEntityException", status: 404, fault: "client" });
  });

  it("moves a role in and out of an instance profile, as the field report does", async () => {
    const { iam } = clients(api.url);
    await iam.send(new CreateRoleCommand({ RoleName: "RedRole", AssumeRolePolicyDocument: TRUST }));
    const created = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    expect(created.InstanceProfile).toMatchObject({ InstanceProfileName: "MyInPr", Path: "/", Roles: [], Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/MyInPr` });
    expect(created.InstanceProfile?.InstanceProfileId).toMatch(/^AIPA[A-Z0-9]{17}$/);
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "MyInPr", RoleName: "RedRole" }));
    const held = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    expect(held.InstanceProfile?.Roles?.map((r) => [r.RoleName, r.RoleId])).toEqual([["RedRole", plane.roles.get("RedRole")?.roleId]]);
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: "MyInPr", RoleName: "RedRole" }));
    const emptied = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    expect(emptied.InstanceProfile?.Roles).toEqual([]);
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    const gone = await refusal(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" })));
    expect(gone).toMatchObject({ name: "NoSuchEntityException", message: "Instance Profile MyInPr cannot be found.", status: 404 });
  });

  it("puts, reads, lists and deletes an inline policy; the document comes back URL-encoded, which the SDK passes through", async () => {
    const { iam } = clients(api.url);
    await iam.send(new CreateRoleCommand({ RoleName: "RedRole", AssumeRolePolicyDocument: TRUST }));
    const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": "2026-12-01T12:00:00Z" } } }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: "RedRole", PolicyName: "AWSRevokeOlderSessions", PolicyDocument: document }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "RedRole", PolicyName: "b-second", PolicyDocument: "{}" }));
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: "RedRole", PolicyName: "AWSRevokeOlderSessions" }));
    expect(got).toMatchObject({ RoleName: "RedRole", PolicyName: "AWSRevokeOlderSessions", PolicyDocument: encodeURIComponent(document) });
    const first = await iam.send(new ListRolePoliciesCommand({ RoleName: "RedRole", MaxItems: 1 }));
    expect(first).toMatchObject({ PolicyNames: ["AWSRevokeOlderSessions"], IsTruncated: true });
    const rest = await iam.send(new ListRolePoliciesCommand({ RoleName: "RedRole", Marker: first.Marker }));
    expect(rest).toMatchObject({ PolicyNames: ["b-second"], IsTruncated: false });
    expect(rest.Marker).toBeUndefined();
    await iam.send(new DeleteRolePolicyCommand({ RoleName: "RedRole", PolicyName: "b-second" }));
    const gone = await refusal(iam.send(new GetRolePolicyCommand({ RoleName: "RedRole", PolicyName: "b-second" })));
    expect(gone).toMatchObject({ name: "NoSuchEntityException", message: "The role policy with name b-second cannot be found.", status: 404 });
  });

  it("accepts a request signed for the client's own region, as the SDK signs IAM at a custom endpoint", async () => {
    const out = await clients(api.url, ADMIN, "eu-west-1").iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "Elsewhere" }));
    expect(out.InstanceProfile?.InstanceProfileName).toBe("Elsewhere");
  });
});

describe("EC2", () => {
  it("associates, replaces, describes and disassociates an instance profile", async () => {
    setUpProfile();
    plane.createInstanceProfile({ name: "Other" });
    const { ec2 } = clients(api.url);
    const associated = await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: INSTANCE_ID, IamInstanceProfile: { Name: "MyInPr" } }));
    const first = associated.IamInstanceProfileAssociation;
    expect(first).toMatchObject({ InstanceId: INSTANCE_ID, State: "associating", IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/MyInPr` } });
    expect(first?.AssociationId).toMatch(/^iip-assoc-[0-9a-f]{17}$/);
    expect(first?.Timestamp?.toISOString()).toBe("2026-11-29T08:00:00.000Z");
    const otherArn = `arn:aws:iam::${ACCOUNT}:instance-profile/Other`;
    const replaced = await ec2.send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: first?.AssociationId, IamInstanceProfile: { Arn: otherArn } }));
    const described = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "instance-id", Values: [INSTANCE_ID] }] }));
    expect(described.IamInstanceProfileAssociations).toEqual([{ ...replaced.IamInstanceProfileAssociation, State: "associated" }]);
    const gone = await ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: replaced.IamInstanceProfileAssociation?.AssociationId }));
    expect(gone.IamInstanceProfileAssociation?.State).toBe("disassociating");
    const byState = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "state", Values: ["disassociated"] }] }));
    expect(byState.IamInstanceProfileAssociations?.map((a) => a.IamInstanceProfile?.Arn).sort()).toEqual([`arn:aws:iam::${ACCOUNT}:instance-profile/MyInPr`, otherArn]);
  });

  it("refuses a filter this API does not have, naming it", async () => {
    const { ec2 } = clients(api.url);
    const refused = await refusal(ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "association.instance-id", Values: [INSTANCE_ID] }] })));
    expect(refused).toEqual({ name: "InvalidParameterValue", message: "The filter 'association.instance-id' is invalid", status: 400, fault: "client" });
  });

  it("pages through associations with MaxResults and NextToken", async () => {
    setUpProfile();
    const ids = Array.from({ length: 7 }, (_, i) => `i-00000000000000${String(i).padStart(3, "0")}`);
    for (const id of ids) plane.instances.set(id, "running");
    for (const id of ids) plane.associateIamInstanceProfile(id, { name: "MyInPr" });
    const { ec2 } = clients(api.url);
    const first = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ MaxResults: 5 }));
    const second = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect(first.IamInstanceProfileAssociations).toHaveLength(5);
    expect(second.NextToken).toBeUndefined();
    expect([...(first.IamInstanceProfileAssociations ?? []), ...(second.IamInstanceProfileAssociations ?? [])].map((a) => a.InstanceId)).toEqual(ids);
    const tooSmall = await refusal(ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ MaxResults: 4 })));
    expect(tooSmall).toMatchObject({ name: "InvalidParameterValue", status: 400 });
  });

  it("reboots, stops and starts an instance, with the state changes EC2 reports", async () => {
    const { ec2 } = clients(api.url);
    await ec2.send(new RebootInstancesCommand({ InstanceIds: [INSTANCE_ID] }));
    const stopped = await ec2.send(new StopInstancesCommand({ InstanceIds: [INSTANCE_ID] }));
    expect(stopped.StoppingInstances).toEqual([{ InstanceId: INSTANCE_ID, CurrentState: { Code: 64, Name: "stopping" }, PreviousState: { Code: 16, Name: "running" } }]);
    const started = await ec2.send(new StartInstancesCommand({ InstanceIds: [INSTANCE_ID] }));
    expect(started.StartingInstances).toEqual([{ InstanceId: INSTANCE_ID, CurrentState: { Code: 0, Name: "pending" }, PreviousState: { Code: 80, Name: "stopped" } }]);
    const missing = await refusal(ec2.send(new RebootInstancesCommand({ InstanceIds: ["i-0000000000000000a"] })));
    expect(missing).toMatchObject({ name: "InvalidInstanceID.NotFound", status: 400 });
  });
});

const keysOf = (c: { accessKeyId: string; secretAccessKey: string; sessionToken: string | null }): Keys =>
  c.sessionToken === null ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } : { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };

/** How each service refuses one cheap call signed with `keys`. */
async function callEach(keys: Keys) {
  const { sts, iam, ec2 } = clients(api.url, keys);
  return {
    sts: await refusal(sts.send(new GetCallerIdentityCommand({}))),
    iam: await refusal(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }))),
    ec2: await refusal(ec2.send(new DescribeIamInstanceProfileAssociationsCommand({}))),
  };
}

/** How EC2 refuses one cheap call signed with `keys`. */
const ec2Refusal = (keys: Keys) => refusal(clients(api.url, keys).ec2.send(new DescribeIamInstanceProfileAssociationsCommand({})));
const iamRefusal = (keys: Keys) => refusal(clients(api.url, keys).iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" })));

describe("authentication, as each service words its refusals", () => {
  const INVALID_TOKEN = { name: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403 };
  const AUTH_FAILURE = { name: "AuthFailure", message: "AWS was not able to validate the provided access credentials", status: 401 };

  it("a wrong secret: SignatureDoesNotMatch 403 from every service", async () => {
    const calls = await callEach({ ...ADMIN, secretAccessKey: "not-the-secret" });
    for (const refused of [calls.sts, calls.iam, calls.ec2]) {
      expect(refused).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
      expect(refused.message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
    }
  });

  it("an unknown key: InvalidClientTokenId from STS and IAM, AuthFailure 401 from EC2", async () => {
    const calls = await callEach({ accessKeyId: "AKIAUNKNOWNEXAMPLE00", secretAccessKey: "whatever" });
    expect(calls).toMatchObject({ sts: INVALID_TOKEN, iam: INVALID_TOKEN, ec2: AUTH_FAILURE });
  });

  it("an expired session: ExpiredToken 403 from STS and IAM, RequestExpired from EC2", async () => {
    setUpProfile();
    const calls = await callEach(keysOf(plane.addSession("RedRole", "expired")));
    const expired = { name: "ExpiredToken", message: "The security token included in the request is expired", status: 403 };
    expect(calls).toMatchObject({ sts: expired, iam: expired, ec2: { name: "RequestExpired", status: 400 } });
  });

  it("a revoked session, or a session key sent with another token or none: InvalidClientTokenId", async () => {
    setUpProfile();
    expect(await callEach(keysOf(plane.addSession("RedRole", "revoked")))).toMatchObject({ sts: INVALID_TOKEN, iam: INVALID_TOKEN, ec2: AUTH_FAILURE });
    const session = keysOf(plane.addSession("RedRole"));
    expect(await iamRefusal({ ...session, sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE" })).toMatchObject(INVALID_TOKEN);
    expect(await iamRefusal({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey })).toMatchObject(INVALID_TOKEN);
  });
});

describe("API faults switched on at run time", () => {
  it("throttles IAM with Throttling 400 and EC2 with RequestLimitExceeded 503, for as many calls as asked", async () => {
    setUpProfile();
    api.setFault({ service: "iam", kind: "throttle", count: 2 });
    api.setFault({ service: "ec2", kind: "throttle" });
    const { iam } = clients(api.url);
    const get = () => iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    expect(await refusal(get())).toMatchObject({ name: "Throttling", message: "Rate exceeded", status: 400 });
    expect(await refusal(get())).toMatchObject({ name: "Throttling" });
    expect((await get()).InstanceProfile?.InstanceProfileName).toBe("MyInPr");
    expect(await ec2Refusal(ADMIN)).toMatchObject({ name: "RequestLimitExceeded", message: "Request limit exceeded.", status: 503, fault: "server" });
    expect(api.faults()).toEqual([{ service: "ec2", kind: "throttle" }]);
  });

  it("denies one action with AccessDenied naming the caller and the resource, and EC2 with UnauthorizedOperation", async () => {
    setUpProfile();
    const session = plane.addSession("RedRole");
    api.setFault({ service: "iam", kind: "denied", action: "GetInstanceProfile" });
    api.setFault({ service: "ec2", kind: "denied" });
    expect(await iamRefusal(keysOf(session))).toEqual({
      name: "AccessDenied",
      status: 403,
      fault: "client",
      message: `User: ${session.arn} is not authorized to perform: iam:GetInstanceProfile on resource: instance profile MyInPr because no identity-based policy allows the iam:GetInstanceProfile action`,
    });
    const ec2 = await ec2Refusal(keysOf(session));
    expect(ec2).toMatchObject({ name: "UnauthorizedOperation", status: 403 });
    expect(ec2.message).toContain(`User: ${session.arn} is not authorized to perform: ec2:DescribeIamInstanceProfileAssociations`);
    expect((await clients(api.url, keysOf(session)).sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(session.arn);
  });

  it("refuses to deny sts:GetCallerIdentity, which no policy can deny", () => {
    expect(() => api.setFault({ service: "sts", kind: "denied" })).toThrow(/GetCallerIdentity succeeds even under an explicit deny/);
  });

  it("counts calls per service and action, and errors per code", async () => {
    setUpProfile();
    const { iam, sts } = clients(api.url);
    await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    await sts.send(new GetCallerIdentityCommand({}));
    await refusal(iam.send(new GetRoleCommand({ RoleName: "Nope" })));
    expect(api.stats()).toEqual({
      requests: 4,
      calls: { "iam:GetInstanceProfile": 2, "sts:GetCallerIdentity": 1, "iam:GetRole": 1 },
      pages: {},
      errors: { NoSuchEntity: 1 },
      faulted: 0,
    });
  });
});
