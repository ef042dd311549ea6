import { EC2Client, AssociateIamInstanceProfileCommand, DescribeIamInstanceProfileAssociationsCommand, DisassociateIamInstanceProfileCommand, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient, RemoveRoleFromInstanceProfileCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_KEYS } from "../../src/sim/backend/index.js";
import type { Simulator } from "../../src/sim/index.js";
import { motoServer, startMoto, type Moto } from "../support/aws-moto.js";
import { requireTool } from "../support/require-tool.js";
import { read, startOnManualClock } from "../support/sim-http.js";

// moto's default account; its STS names an AssumeRole session arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
// and its UserId ROLEID:SESSION (moto/sts/models.py, AssumedRole.arn and .user_id).
const ACCOUNT = "123456789012";
const TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
const MIN = 60_000;

let moto: Moto | undefined;
beforeAll(async () => {
  if (motoServer.available) moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.close());

function clients(url: string) {
  const config = { endpoint: url, region: "us-east-1", credentials: EXAMPLE_KEYS };
  return { iam: new IAMClient(config), ec2: new EC2Client(config) };
}

/** A role in a profile associated with a new instance, all in moto; names made unique per test. */
async function seed(url: string, tag: string) {
  const { iam, ec2 } = clients(url);
  const role = async (name: string) => (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }))).Role;
  const [red, blue] = [await role(`Red${tag}`), await role(`Blue${tag}`)];
  const profile = `MyInPr${tag}`;
  const { InstanceProfile } = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: profile }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: red?.RoleName }));
  const run = await ec2.send(new RunInstancesCommand({ ImageId: "ami-12c6146b", MinCount: 1, MaxCount: 1, InstanceType: "t3.micro" }));
  const instanceId = run.Instances?.[0]?.InstanceId ?? "";
  await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Name: profile } }));
  return { iam, ec2, red, blue, profile, profileArn: InstanceProfile?.Arn, instanceId };
}

async function served(sim: Simulator, role: string): Promise<{ AccessKeyId: string; SecretAccessKey: string; Token: string }> {
  const res = await read(sim, `/latest/meta-data/iam/security-credentials/${role}`);
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
}

async function callerOf(url: string, creds: { AccessKeyId: string; SecretAccessKey: string; Token: string }) {
  const sts = new STSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token } });
  try {
    return await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    sts.destroy();
  }
}

describe("the simulator backed by moto_server (--aws-backend)", () => {
  it("serves credentials minted by moto's AssumeRole, which moto's STS names after the profile's role and the instance", async (ctx) => {
    requireTool(ctx, motoServer);
    const url = moto?.url ?? "";
    const w = await seed(url, "A");
    const { sim } = await startOnManualClock({ awsBackend: { url }, instanceId: w.instanceId });
    try {
      const identity = await callerOf(url, await served(sim, w.red?.RoleName ?? ""));
      expect(identity.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${w.red?.RoleName}/${w.instanceId}`);
      expect(identity.UserId).toBe(`${w.red?.RoleId}:${w.instanceId}`);
      expect(JSON.parse((await read(sim, "/latest/meta-data/iam/info")).text)).toMatchObject({ InstanceProfileArn: w.profileArn });
      const document = JSON.parse((await read(sim, "/latest/dynamic/instance-identity/document")).text) as Record<string, string>;
      expect(document).toMatchObject({ accountId: ACCOUNT, instanceId: w.instanceId });
    } finally {
      await sim.close();
      w.iam.destroy();
      w.ec2.destroy();
    }
  });

  it("follows a swap in moto after the swap delay, and a disassociation at once", async (ctx) => {
    requireTool(ctx, motoServer);
    const url = moto?.url ?? "";
    const w = await seed(url, "B");
    const { sim, clock } = await startOnManualClock({ awsBackend: { url, pollSeconds: 30 }, instanceId: w.instanceId });
    try {
      await w.iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: w.profile, RoleName: w.red?.RoleName }));
      await w.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: w.profile, RoleName: w.blue?.RoleName }));
      await sim.awsBackend?.refresh();
      expect(sim.served()?.role.name).toBe(w.red?.RoleName);
      clock.advance(54 * MIN);
      await sim.awsBackend?.refresh();
      const blue = await callerOf(url, await served(sim, w.blue?.RoleName ?? ""));
      expect(blue.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${w.blue?.RoleName}/${w.instanceId}`);
      const { IamInstanceProfileAssociations: [association] = [] } = await w.ec2.send(
        new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "instance-id", Values: [w.instanceId] }] }),
      );
      await w.ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: association?.AssociationId }));
      await sim.awsBackend?.refresh();
      expect((await read(sim, "/latest/meta-data/iam/info")).status).toBe(404);
      expect(sim.awsBackend?.lastError()).toBeNull();
    } finally {
      await sim.close();
      w.iam.destroy();
      w.ec2.destroy();
    }
  });
});
