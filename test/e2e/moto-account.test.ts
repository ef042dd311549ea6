import { spawnSync } from "node:child_process";
import { AssociateIamInstanceProfileCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_KEYS } from "../../src/sim/backend/index.js";
import { motoServer, startMoto, type Moto } from "../support/aws-moto.js";
import { cleanEnv, eventsOf, startRolewatch, type Daemon } from "../support/cli.js";
import { scrape, until } from "../support/daemon.js";
import { findTool, requireTool } from "../support/require-tool.js";

const promtool = findTool("promtool", "apt-get install prometheus");
const TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
const OWN = "123456789012";
const OTHER = "111111111111";
const ROLES = [`arn:aws:iam::${OWN}:role/rolewatch-account`, `arn:aws:iam::${OTHER}:role/rolewatch-account`];

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** In one moto account: a profile holding a role, an empty one, and `instances` instances associated with the first. */
async function seed(url: string, credentials: Credentials, prefix: string, instances: number) {
  const config = { endpoint: url, region: "us-east-1", credentials };
  const iam = new IAMClient(config);
  const ec2 = new EC2Client(config);
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: `${prefix}Role`, AssumeRolePolicyDocument: TRUST }));
  const { InstanceProfile } = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: `${prefix}Profile` }));
  const { InstanceProfile: empty } = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: `${prefix}Empty`, Path: "/ops/" }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: `${prefix}Profile`, RoleName: `${prefix}Role` }));
  const ids: string[] = [];
  if (instances > 0) {
    const run = await ec2.send(new RunInstancesCommand({ ImageId: "ami-12c6146b", MinCount: instances, MaxCount: instances, InstanceType: "t3.micro" }));
    for (const i of run.Instances ?? []) {
      ids.push(i.InstanceId ?? "");
      await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: i.InstanceId, IamInstanceProfile: { Name: `${prefix}Profile` } }));
    }
  }
  iam.destroy();
  ec2.destroy();
  return { role: Role!, profile: InstanceProfile!, empty: empty!, instances: ids };
}

/** moto routes the calls of an assumed role's session to the role's account. */
async function assumed(url: string, roleArn: string): Promise<Credentials> {
  const sts = new STSClient({ endpoint: url, region: "us-east-1", credentials: EXAMPLE_KEYS });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "seed" }));
  sts.destroy();
  return { accessKeyId: c?.AccessKeyId ?? "", secretAccessKey: c?.SecretAccessKey ?? "", sessionToken: c?.SessionToken ?? "" };
}

describe("rolewatch account against moto_server, an AWS implementation no one here wrote", () => {
  let moto: Moto | undefined;
  let exporter: Daemon | undefined;
  let url = "";
  let own: Awaited<ReturnType<typeof seed>>;
  let other: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    if (!motoServer.available) return;
    moto = await startMoto();
    own = await seed(moto.url, EXAMPLE_KEYS, "App", 2);
    other = await seed(moto.url, await assumed(moto.url, ROLES[1]!), "Other", 0);
    exporter = startRolewatch(
      ["account", "--account-credentials", "environment", "--account-listen", "127.0.0.1:0", "--region", "us-east-1", "--account-assume-roles", ROLES.join(",")],
      cleanEnv({ AWS_ENDPOINT_URL: moto.url, AWS_ACCESS_KEY_ID: EXAMPLE_KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: EXAMPLE_KEYS.secretAccessKey }),
    );
    const started = JSON.parse(await exporter.waitForLine((l) => l.includes('"account-started"'), 20_000)) as { rolewatch: { config: { http: { url: string } } } };
    url = started.rolewatch.config.http.url;
    await until(async () => (await scrape(url, "/readyz")).status === 200, 20_000, "ready");
  }, 90_000);
  afterAll(async () => {
    await exporter?.stop();
    await moto?.close();
  });

  it("exports each account's profiles, with their roles and RoleIds, and each association, labelled by account", async (ctx) => {
    requireTool(ctx, motoServer);
    const { body } = await scrape(url);
    const lines = (name: string) => body.split("\n").filter((l) => l.startsWith(`${name}{`)).sort();
    expect(lines("rolewatch_account_profile_info")).toEqual([
      `rolewatch_account_profile_info{account="${OTHER}",profile_arn="${other.empty.Arn}",profile_id="${other.empty.InstanceProfileId}",profile="OtherEmpty",role="",role_id=""} 1`,
      `rolewatch_account_profile_info{account="${OTHER}",profile_arn="${other.profile.Arn}",profile_id="${other.profile.InstanceProfileId}",profile="OtherProfile",role="OtherRole",role_id="${other.role.RoleId}"} 1`,
      `rolewatch_account_profile_info{account="${OWN}",profile_arn="${own.empty.Arn}",profile_id="${own.empty.InstanceProfileId}",profile="AppEmpty",role="",role_id=""} 1`,
      `rolewatch_account_profile_info{account="${OWN}",profile_arn="${own.profile.Arn}",profile_id="${own.profile.InstanceProfileId}",profile="AppProfile",role="AppRole",role_id="${own.role.RoleId}"} 1`,
    ].sort());
    const associations = lines("rolewatch_account_association_info");
    expect(associations).toHaveLength(2);
    for (const id of own.instances) {
      expect(associations.join("\n")).toMatch(new RegExp(`account="${OWN}",region="us-east-1",instance_id="${id}",association_id="iip-assoc-[0-9a-f]+",profile_arn="${own.profile.Arn}",profile_id="${own.profile.InstanceProfileId}",state="associated"`));
    }
    for (const account of [OWN, OTHER]) {
      for (const [api, region] of [["sts", ""], ["iam", ""], ["ec2", "us-east-1"]]) {
        expect(body).toContain(`rolewatch_account_up{account="${account}",api="${api}",region="${region}"} 1`);
      }
    }
    expect(body).not.toContain(EXAMPLE_KEYS.secretAccessKey);
    const status = JSON.parse((await scrape(url, "/status")).body) as { status: string; accounts: { account: string; profiles: number }[] };
    expect(status).toMatchObject({ status: "ok", accounts: [{ account: OWN, profiles: 2 }, { account: OTHER, profiles: 2 }] });
  });

  it("gives a scrape promtool check metrics finds nothing to complain about", async (ctx) => {
    requireTool(ctx, motoServer);
    requireTool(ctx, promtool);
    const result = spawnSync("promtool", ["check", "metrics"], { input: (await scrape(url)).body, encoding: "utf8" });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("on SIGTERM logs account-stopping and exits 0, having written only JSON lines and nothing on stderr", async (ctx) => {
    requireTool(ctx, motoServer);
    expect(await exporter?.stop()).toBe(0);
    const daemon = exporter!;
    exporter = undefined;
    expect(eventsOf(daemon, "account-stopping")).toHaveLength(1);
    expect(eventsOf(daemon, "account-cycle-failed")).toEqual([]);
    for (const line of daemon.lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(daemon.stderr()).toBe("");
  });
});
