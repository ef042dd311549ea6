/**
 * The field report's own commands, run with the real aws CLI (botocore)
 * against the whole simulator: the API port over the world's control plane,
 * with the admin keys `rolewatch sim` prints, or with what IMDS serves.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../../src/clock.js";
import type { Simulator } from "../../../src/sim/index.js";
import { findTool, requireTool } from "../../support/require-tool.js";
import { read, startOnManualClock } from "../../support/sim-http.js";
import { cliEnv, type Keys } from "./support.js";

const run = promisify(execFile);
const awsCli = findTool("aws", "pip install awscli (the aws CLI, v1 or v2)");
const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] };

let home: string;
let sim: Simulator;
let clock: ManualClock;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "rolewatch-sim-aws-cli-"));
  for (const file of ["config", "credentials"]) writeFileSync(join(home, file), "");
});
afterAll(() => rmSync(home, { recursive: true, force: true }));
beforeEach(async () => ({ sim, clock } = await startOnManualClock()));
afterEach(() => sim.close());

const admin = (): Keys => sim.world.admin;

/** `aws <args> --output json` against the simulator; its JSON output, or {} when it prints none. */
async function aws(args: string[], keys: Keys = admin()): Promise<Record<string, unknown>> {
  const { stdout } = await run("aws", ["--endpoint-url", sim.awsUrl, "--output", "json", ...args], { env: cliEnv(home, keys), timeout: 15_000 });
  return stdout.trim() === "" ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}

/** The error line of a command that must fail. */
async function awsError(args: string[], keys: Keys = admin()): Promise<string> {
  const outcome = await run("aws", ["--endpoint-url", sim.awsUrl, ...args], { env: cliEnv(home, keys), timeout: 15_000 }).then(
    () => expect.fail(`aws ${args.join(" ")} succeeded`),
    (error: { stderr: string }) => error.stderr,
  );
  return outcome.trim();
}

const profileRoles = async () => ((await aws(["iam", "get-instance-profile", "--instance-profile-name", "MyInPr"])) as { InstanceProfile: { Roles: { RoleName: string }[] } }).InstanceProfile.Roles.map((r) => r.RoleName);

// Each aws CLI run costs about a second of Python start-up.
describe("the field report's aws CLI commands drive the simulator", { timeout: 60_000 }, () => {
  it("remove-role-from-instance-profile, add-role-to-instance-profile and get-instance-profile: remove, add back, swap", async (ctx) => {
    requireTool(ctx, awsCli);
    expect(await profileRoles()).toEqual(["RedRole"]);
    await aws(["iam", "remove-role-from-instance-profile", "--instance-profile-name", "MyInPr", "--role-name", "RedRole"]);
    expect(await profileRoles()).toEqual([]);
    expect(sim.served()?.role.name).toBe("RedRole"); // S1: IMDS goes on serving the removed role
    await aws(["iam", "add-role-to-instance-profile", "--instance-profile-name", "MyInPr", "--role-name", "RedRole"]);
    await aws(["iam", "remove-role-from-instance-profile", "--instance-profile-name", "MyInPr", "--role-name", "RedRole"]);
    await aws(["iam", "add-role-to-instance-profile", "--instance-profile-name", "MyInPr", "--role-name", "BlueRole"]);
    expect(await profileRoles()).toEqual(["BlueRole"]);
  });

  it("create-role, get-role and delete-role", async (ctx) => {
    requireTool(ctx, awsCli);
    const created = (await aws(["iam", "create-role", "--role-name", "YellowRole", "--assume-role-policy-document", JSON.stringify(TRUST)])) as { Role: Record<string, unknown> };
    expect(created.Role).toMatchObject({ RoleName: "YellowRole", Path: "/", CreateDate: "2026-11-29T08:00:00Z", AssumeRolePolicyDocument: TRUST });
    expect(created.Role.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    const got = (await aws(["iam", "get-role", "--role-name", "YellowRole"])) as { Role: Record<string, unknown> };
    expect(got.Role).toMatchObject({ RoleId: created.Role.RoleId, MaxSessionDuration: 3600, RoleLastUsed: {} });
    await aws(["iam", "delete-role", "--role-name", "YellowRole"]);
    expect(await awsError(["iam", "get-role", "--role-name", "YellowRole"])).toMatch(/\(NoSuchEntity\) when calling the GetRole operation/);
  });

  it("describe, replace, disassociate and associate an instance profile", async (ctx) => {
    requireTool(ctx, awsCli);
    type Association = { AssociationId: string; State: string; IamInstanceProfile: { Arn: string; Id: string } };
    const describe = async () => ((await aws(["ec2", "describe-iam-instance-profile-associations", "--filters", `Name=instance-id,Values=${sim.instanceId}`])) as { IamInstanceProfileAssociations: Association[] }).IamInstanceProfileAssociations;
    const [first] = await describe();
    expect(first).toMatchObject({ State: "associated", IamInstanceProfile: { Arn: `arn:aws:iam::${sim.world.accountId}:instance-profile/MyInPr` } });
    await aws(["iam", "create-instance-profile", "--instance-profile-name", "OtherProfile"]);
    const replaced = (await aws(["ec2", "replace-iam-instance-profile-association", "--association-id", String(first?.AssociationId), "--iam-instance-profile", "Name=OtherProfile"])) as { IamInstanceProfileAssociation: Association };
    expect(replaced.IamInstanceProfileAssociation.State).toBe("associating");
    clock.advance(60_000);
    expect((await describe()).map((a) => [a.AssociationId, a.State])).toEqual([[replaced.IamInstanceProfileAssociation.AssociationId, "associated"]]);
    const gone = (await aws(["ec2", "disassociate-iam-instance-profile", "--association-id", replaced.IamInstanceProfileAssociation.AssociationId])) as { IamInstanceProfileAssociation: Association };
    expect(gone.IamInstanceProfileAssociation.State).toBe("disassociating");
    const again = (await aws(["ec2", "associate-iam-instance-profile", "--instance-id", sim.instanceId, "--iam-instance-profile", "Name=MyInPr"])) as { IamInstanceProfileAssociation: Association };
    expect(again.IamInstanceProfileAssociation).toMatchObject({ State: "associating", IamInstanceProfile: { Id: first?.IamInstanceProfile.Id } });
  });

  it("reboot-instances, stop-instances and start-instances", async (ctx) => {
    requireTool(ctx, awsCli);
    expect(await aws(["ec2", "reboot-instances", "--instance-ids", sim.instanceId])).toEqual({});
    const stopped = await aws(["ec2", "stop-instances", "--instance-ids", sim.instanceId]);
    expect(stopped).toEqual({ StoppingInstances: [{ InstanceId: sim.instanceId, CurrentState: { Code: 64, Name: "stopping" }, PreviousState: { Code: 16, Name: "running" } }] });
    const started = await aws(["ec2", "start-instances", "--instance-ids", sim.instanceId]);
    expect(started).toEqual({ StartingInstances: [{ InstanceId: sim.instanceId, CurrentState: { Code: 0, Name: "pending" }, PreviousState: { Code: 80, Name: "stopped" } }] });
  });

  it("sts get-caller-identity with the credentials IMDS serves names the role and the instance", async (ctx) => {
    requireTool(ctx, awsCli);
    const served = JSON.parse((await read(sim, "/latest/meta-data/iam/security-credentials/RedRole")).text) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
    const identity = await aws(["sts", "get-caller-identity"], { accessKeyId: served.AccessKeyId, secretAccessKey: served.SecretAccessKey, sessionToken: served.Token });
    const role = sim.world.roles.get("RedRole");
    expect(identity).toEqual({ UserId: `${role?.roleId}:${sim.instanceId}`, Account: sim.world.accountId, Arn: `arn:aws:sts::${sim.world.accountId}:assumed-role/RedRole/${sim.instanceId}` });
  });

  it("AWS_ENDPOINT_URL alone, as `rolewatch sim` exports it, points the CLI at the port", async (ctx) => {
    requireTool(ctx, awsCli);
    const { stdout } = await run("aws", ["sts", "get-caller-identity", "--output", "json"], { env: cliEnv(home, admin(), { AWS_ENDPOINT_URL: sim.awsUrl }), timeout: 15_000 });
    expect(JSON.parse(stdout)).toMatchObject({ Arn: `arn:aws:iam::${sim.world.accountId}:user/admin`, Account: sim.world.accountId });
  });
});

describe("botocore's requests are refused as the JS SDK's are", { timeout: 60_000 }, () => {
  it("a wrong secret: SignatureDoesNotMatch from STS, IAM and EC2", async (ctx) => {
    requireTool(ctx, awsCli);
    const wrong = { ...admin(), secretAccessKey: "not-the-secret-not-the-secret-not-the-se" };
    expect(await awsError(["sts", "get-caller-identity"], wrong)).toMatch(/\(SignatureDoesNotMatch\)/);
    expect(await awsError(["iam", "get-instance-profile", "--instance-profile-name", "MyInPr"], wrong)).toMatch(/\(SignatureDoesNotMatch\)/);
    expect(await awsError(["ec2", "describe-iam-instance-profile-associations"], wrong)).toMatch(/\(SignatureDoesNotMatch\)/);
  });

  it("served credentials past their Expiration: ExpiredToken from STS, RequestExpired from EC2", async (ctx) => {
    requireTool(ctx, awsCli);
    const served = JSON.parse((await read(sim, "/latest/meta-data/iam/security-credentials/RedRole")).text) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
    const keys = { accessKeyId: served.AccessKeyId, secretAccessKey: served.SecretAccessKey, sessionToken: served.Token };
    clock.advance(7 * 3600_000);
    expect(await awsError(["sts", "get-caller-identity"], keys)).toMatch(/\(ExpiredToken\).*: The security token included in the request is expired$/);
    expect(await awsError(["ec2", "describe-iam-instance-profile-associations"], keys)).toMatch(/\(RequestExpired\)/);
  });

  it("an unknown key: InvalidClientTokenId from STS and IAM, AuthFailure from EC2", async (ctx) => {
    requireTool(ctx, awsCli);
    const unknown = { accessKeyId: "AKIAUNKNOWNEXAMPLE00", secretAccessKey: "whatever-whatever-whatever-whatever-what" };
    expect(await awsError(["sts", "get-caller-identity"], unknown)).toMatch(/\(InvalidClientTokenId\).*: The security token included in the request is invalid\./);
    expect(await awsError(["iam", "get-role", "--role-name", "RedRole"], unknown)).toMatch(/\(InvalidClientTokenId\)/);
    expect(await awsError(["ec2", "describe-iam-instance-profile-associations"], unknown)).toMatch(/\(AuthFailure\)/);
  });
});
