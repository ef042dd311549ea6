/**
 * The AWS side against moto_server: a role and an instance profile created
 * there, an instance running with the profile associated, and credentials of
 * a session of that role named after the instance (what IMDS would serve).
 */
import { AssociateIamInstanceProfileCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import { AwsObserver, queryApi, type SigningCredentials } from "../../src/aws/index.js";
import { ManualClock, systemClock } from "../../src/clock.js";
import { Secret } from "../../src/secret.js";
import { endpointsAt } from "../support/aws-loopback.js";
import { motoServer, startMoto, type Moto } from "../support/aws-moto.js";
import { requireTool } from "../support/require-tool.js";

const REGION = "eu-west-1";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

interface World {
  instanceId: string;
  roleId: string;
  roleArn: string;
  profileArn: string;
  profileId: string;
  associationId: string;
  credentials: SigningCredentials;
}

/** The setup speaks to moto with the SDK and the dummy key moto accepts from anyone. */
async function buildWorld(url: string): Promise<World> {
  const config = { region: REGION, endpoint: url, credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "moto-accepts-any-secret" } };
  const iam = new IAMClient(config);
  const ec2 = new EC2Client(config);
  const role = (await iam.send(new CreateRoleCommand({ RoleName: "RedRole", AssumeRolePolicyDocument: TRUST }))).Role;
  const profile = (await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "MyInPr", Path: "/team/" }))).InstanceProfile;
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "MyInPr", RoleName: "RedRole" }));
  const image = (await ec2.send(new DescribeImagesCommand({ Owners: ["amazon"] }))).Images?.[0]?.ImageId;
  const instance = (await ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1, InstanceType: "t3.micro" }))).Instances?.[0];
  const instanceId = instance?.InstanceId ?? "";
  const association = (await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Name: "MyInPr" } }))).IamInstanceProfileAssociation;
  const session = (await new STSClient(config).send(new AssumeRoleCommand({ RoleArn: role?.Arn, RoleSessionName: instanceId }))).Credentials;
  const roleId = (await iam.send(new GetRoleCommand({ RoleName: "RedRole" }))).Role?.RoleId ?? "";
  return {
    instanceId, roleId, roleArn: role?.Arn ?? "", profileArn: profile?.Arn ?? "", profileId: profile?.InstanceProfileId ?? "",
    associationId: association?.AssociationId ?? "",
    credentials: { accessKeyId: session?.AccessKeyId ?? "", secretAccessKey: new Secret(session?.SecretAccessKey ?? ""), sessionToken: new Secret(session?.SessionToken ?? "") },
  };
}

describe("against moto_server, signed with the credentials of the instance's role session", () => {
  let moto: Moto | undefined;
  let world: World;
  let started: Promise<void> | undefined;
  /** Each test asks for the tool (skipped with what to install, failed under CI=true); moto starts once. */
  const setUp = (ctx: TestContext) => {
    requireTool(ctx, motoServer);
    return (started ??= (async () => {
      moto = await startMoto();
      world = await buildWorld(moto.url);
    })());
  };
  afterAll(() => moto?.close());

  const api = () => queryApi({ clock: systemClock, region: REGION, endpoints: endpointsAt(moto?.url ?? ""), timeoutMs: 5000, maxBodyBytes: 65536 });

  it("STS names the role, its RoleId as IAM GetRole gives it, and the instance id as session", async (ctx) => {
    await setUp(ctx);
    expect(world.credentials.accessKeyId).toMatch(/^ASIA/);
    expect(await api().getCallerIdentity(world.credentials)).toEqual({
      principal: "assumed-role", arn: `arn:aws:sts::123456789012:assumed-role/RedRole/${world.instanceId}`,
      account: "123456789012", role: "RedRole", roleId: world.roleId, session: world.instanceId,
    });
  });

  it("IAM names the profile (found by the last segment of its pathed ARN) and the role it holds", async (ctx) => {
    await setUp(ctx);
    expect(world.profileArn).toBe("arn:aws:iam::123456789012:instance-profile/team/MyInPr");
    expect(await api().getInstanceProfile("MyInPr", world.credentials)).toEqual({
      name: "MyInPr", arn: world.profileArn, id: world.profileId, roles: [{ name: "RedRole", id: world.roleId, arn: world.roleArn }],
    });
  });

  it("EC2 names the instance's association, its profile and its state", async (ctx) => {
    await setUp(ctx);
    expect(await api().describeAssociation(world.instanceId, world.credentials)).toEqual({
      associationId: world.associationId, arn: world.profileArn, id: world.profileId, state: "associated",
    });
  });

  it("IAM says NoSuchEntity for a profile that does not exist, and the observer reads it as not-found", async (ctx) => {
    await setUp(ctx);
    const clock = new ManualClock(Date.parse("2026-11-29T08:00:00Z"));
    const observer = new AwsObserver({
      clock, random: Math.random, region: REGION, instanceId: world.instanceId, stsIntervalMs: 900_000, controlPlaneIntervalMs: 300_000,
      association: true, endpoints: endpointsAt(moto?.url ?? ""),
    });
    const views = await observer.observe({ credentials: world.credentials, profileArn: "arn:aws:iam::123456789012:instance-profile/Gone", imdsChanged: true, accessKeyIdChanged: true });
    expect(views.profile).toMatchObject({ state: "failed", kind: "not-found", code: "NoSuchEntity", status: 404 });
    expect(views.sts).toMatchObject({ state: "ok", value: { role: "RedRole", roleId: world.roleId } });
    expect(views.association).toMatchObject({ state: "ok", value: { arn: world.profileArn, state: "associated" } });
  });
});
