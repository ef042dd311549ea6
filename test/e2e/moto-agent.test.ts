import { AssociateIamInstanceProfileCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_KEYS } from "../../src/sim/backend/index.js";
import { motoServer, startMoto, type Moto } from "../support/aws-moto.js";
import { cleanEnv, rolewatch, startRolewatch } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";
import { requireTool } from "../support/require-tool.js";

const TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

let moto: Moto | undefined;
beforeAll(async () => {
  if (motoServer.available) moto = await startMoto();
}, 30_000);
afterAll(async () => moto?.close());

/** In moto: a role in a profile, associated with a new instance. */
async function seed(url: string) {
  const config = { endpoint: url, region: "us-east-1", credentials: EXAMPLE_KEYS };
  const iam = new IAMClient(config);
  const ec2 = new EC2Client(config);
  await iam.send(new CreateRoleCommand({ RoleName: "AppRole", AssumeRolePolicyDocument: TRUST }));
  const { InstanceProfile } = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "AppProfile" }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "AppProfile", RoleName: "AppRole" }));
  const run = await ec2.send(new RunInstancesCommand({ ImageId: "ami-12c6146b", MinCount: 1, MaxCount: 1, InstanceType: "t3.micro" }));
  const instanceId = run.Instances?.[0]?.InstanceId ?? "";
  await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Name: "AppProfile" } }));
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: "AppRole" }));
  iam.destroy();
  ec2.destroy();
  return { instanceId, roleId: Role?.RoleId ?? "", profileArn: InstanceProfile?.Arn ?? "" };
}

describe("the agent against the simulator's IMDS backed by moto_server", () => {
  it("reports the role and RoleId that moto holds for the served credentials", async (ctx) => {
    requireTool(ctx, motoServer);
    const url = moto?.url ?? "";
    const { instanceId, roleId, profileArn } = await seed(url);
    const sim = startRolewatch(["sim", "--imds-port", "0", "--aws-backend", url, "--instance-id", instanceId]);
    try {
      const { imds } = JSON.parse(await sim.waitForLine(() => true, 20_000)) as { imds: string };
      const { code, stdout } = await rolewatch(["check", "--json"], cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imds, AWS_ENDPOINT_URL: url }));
      const report = JSON.parse(stdout) as Record<string, unknown>;
      expect(contractProblems(report)).toEqual([]);
      expect(report).toMatchObject({
        status: "ok",
        instance: { id: instanceId, accountId: "123456789012" },
        imds: { role: "AppRole", profileArn },
        sts: { role: "AppRole", roleId, session: instanceId, arn: `arn:aws:sts::123456789012:assumed-role/AppRole/${instanceId}` },
        profile: { name: "AppProfile", roles: [{ name: "AppRole", id: roleId }] },
        association: { arn: profileArn, state: "associated" },
        drifts: [],
      });
      expect(code).toBe(0);
    } finally {
      await sim.stop();
    }
  }, 60_000);
});
