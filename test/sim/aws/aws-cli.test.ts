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

describe("the aws CLI drives revocation and an instance profile's deletion", { timeout: 90_000 }, () => {
  const REVOKE = (at: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": at } } }] });

  it("put-role-policy, get-role-policy, list-role-policies and delete-role-policy", async (ctx) => {
    requireTool(ctx, awsCli);
    const document = REVOKE("2026-12-01T12:00:00Z");
    expect(await aws(["iam", "put-role-policy", "--role-name", "RedRole", "--policy-name", "AWSRevokeOlderSessions", "--policy-document", document])).toEqual({});
    // botocore URL-decodes the document and parses it (docs/wire.md, IAM inline role policies).
    expect(await aws(["iam", "get-role-policy", "--role-name", "RedRole", "--policy-name", "AWSRevokeOlderSessions"])).toEqual({
      RoleName: "RedRole",
      PolicyName: "AWSRevokeOlderSessions",
      PolicyDocument: JSON.parse(document),
    });
    await aws(["iam", "put-role-policy", "--role-name", "RedRole", "--policy-name", "read-only", "--policy-document", '{"Version":"2012-10-17","Statement":[]}']);
    // The CLI follows Marker across pages of one.
    expect(await aws(["iam", "list-role-policies", "--role-name", "RedRole", "--page-size", "1"])).toEqual({ PolicyNames: ["AWSRevokeOlderSessions", "read-only"] });
    await aws(["iam", "put-role-policy", "--role-name", "BlueRole", "--policy-name", "read-only", "--policy-document", "{}"]);
    expect(await awsError(["iam", "delete-role", "--role-name", "BlueRole"])).toBe(
      "An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot delete entity, must delete policies first.",
    );
    await aws(["iam", "delete-role-policy", "--role-name", "RedRole", "--policy-name", "read-only"]);
    expect(await aws(["iam", "list-role-policies", "--role-name", "RedRole"])).toEqual({ PolicyNames: ["AWSRevokeOlderSessions"] });
    expect(await awsError(["iam", "get-role-policy", "--role-name", "RedRole", "--policy-name", "read-only"])).toBe(
      "An error occurred (NoSuchEntity) when calling the GetRolePolicy operation: The role policy with name read-only cannot be found.",
    );
  });

  it("revoking with put-role-policy: the served credentials are denied on iam and ec2, sts get-caller-identity still names them", async (ctx) => {
    requireTool(ctx, awsCli);
    const served = JSON.parse((await read(sim, "/latest/meta-data/iam/security-credentials/RedRole")).text) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
    const keys = { accessKeyId: served.AccessKeyId, secretAccessKey: served.SecretAccessKey, sessionToken: served.Token };
    clock.advance(60_000);
    await aws(["iam", "put-role-policy", "--role-name", "RedRole", "--policy-name", "AWSRevokeOlderSessions", "--policy-document", REVOKE("2026-11-29T08:01:00Z")]);
    const arn = `arn:aws:sts::${sim.world.accountId}:assumed-role/RedRole/${sim.instanceId}`;
    expect(await awsError(["iam", "get-instance-profile", "--instance-profile-name", "MyInPr"], keys)).toBe(
      `An error occurred (AccessDenied) when calling the GetInstanceProfile operation: User: ${arn} is not authorized to perform: iam:GetInstanceProfile on resource: instance profile MyInPr with an explicit deny in an identity-based policy`,
    );
    expect(await awsError(["ec2", "describe-iam-instance-profile-associations", "--filters", `Name=instance-id,Values=${sim.instanceId}`], keys)).toBe(
      `An error occurred (UnauthorizedOperation) when calling the DescribeIamInstanceProfileAssociations operation: You are not authorized to perform this operation. User: ${arn} is not authorized to perform: ec2:DescribeIamInstanceProfileAssociations with an explicit deny in an identity-based policy`,
    );
    expect(await aws(["sts", "get-caller-identity"], keys)).toMatchObject({ Arn: arn });
  });

  it("delete-instance-profile: DeleteConflict while it holds a role, NoSuchEntity once gone; create-instance-profile: a new id for the name", async (ctx) => {
    requireTool(ctx, awsCli);
    type Profile = { InstanceProfile: { InstanceProfileId: string; Roles: unknown[] } };
    const before = (await aws(["iam", "get-instance-profile", "--instance-profile-name", "MyInPr"])) as Profile;
    const del = ["iam", "delete-instance-profile", "--instance-profile-name", "MyInPr"];
    expect(await awsError(del)).toBe("An error occurred (DeleteConflict) when calling the DeleteInstanceProfile operation: Cannot delete entity, must remove roles from instance profile first.");
    await aws(["iam", "remove-role-from-instance-profile", "--instance-profile-name", "MyInPr", "--role-name", "RedRole"]);
    expect(await aws(del)).toEqual({});
    expect(await awsError(del)).toBe("An error occurred (NoSuchEntity) when calling the DeleteInstanceProfile operation: Instance Profile MyInPr cannot be found.");
    const info = (await read(sim, "/latest/meta-data/iam/info")).text;
    const created = (await aws(["iam", "create-instance-profile", "--instance-profile-name", "MyInPr"])) as Profile;
    expect(created.InstanceProfile.InstanceProfileId).toMatch(/^AIPA[A-Z0-9]{17}$/);
    expect(created.InstanceProfile.InstanceProfileId).not.toBe(before.InstanceProfile.InstanceProfileId);
    expect(await awsError(["iam", "create-instance-profile", "--instance-profile-name", "MyInPr"])).toBe(
      "An error occurred (EntityAlreadyExists) when calling the CreateInstanceProfile operation: Instance Profile MyInPr already exists.",
    );
    // IMDS still names the deleted profile (world/delivery-rules.ts, S5f).
    expect((await read(sim, "/latest/meta-data/iam/info")).text).toBe(info);
    expect(JSON.parse(info)).toMatchObject({ InstanceProfileId: before.InstanceProfile.InstanceProfileId });
  });

  it("a clock fault: sts get-caller-identity, signed with the real time, is refused as 'Signature expired'", async (ctx) => {
    requireTool(ctx, awsCli);
    sim.setClockSkew(1200);
    expect(await awsError(["sts", "get-caller-identity"])).toMatch(/^An error occurred \(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation: Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    expect(await awsError(["ec2", "describe-iam-instance-profile-associations"])).toMatch(/\(RequestExpired\) when calling the DescribeIamInstanceProfileAssociations operation: Request has expired\.$/);
    sim.setClockSkew(0);
    expect(await aws(["sts", "get-caller-identity"])).toMatchObject({ Account: sim.world.accountId });
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
