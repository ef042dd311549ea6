import type { Role } from "../world/model.js";
import type { ScenarioInstance } from "../scenario/scenario.js";
import { SimInputError } from "../scenario/validate.js";
import type { BackendClients } from "./clients.js";

/** What the backend says about the instance: its association, and the role its profile holds. */
export interface BackendView {
  association: { associationId: string; profileArn: string; profileId: string; timestamp: number } | null;
  role: Role | null;
}

export async function readView(clients: BackendClients, instanceId: string): Promise<BackendView> {
  const { ec2, sdk } = clients;
  const out = await ec2.send(new sdk.ec2.DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "instance-id", Values: [instanceId] }] }));
  const found = (out.IamInstanceProfileAssociations ?? []).find((a) => a.State === "associated");
  const arn = found?.IamInstanceProfile?.Arn;
  if (!found?.AssociationId || !arn) return { association: null, role: null };
  const association = {
    associationId: found.AssociationId,
    profileArn: arn,
    profileId: found.IamInstanceProfile?.Id ?? "",
    timestamp: found.Timestamp?.getTime() ?? 0,
  };
  return { association, role: await profileRole(clients, arn) };
}

/** The profile's role; none when the profile holds none or is gone. Its name is the ARN's last segment (the path comes before). */
async function profileRole({ iam, sdk }: BackendClients, profileArn: string): Promise<Role | null> {
  const name = profileArn.slice(profileArn.lastIndexOf("/") + 1);
  try {
    const out = await iam.send(new sdk.iam.GetInstanceProfileCommand({ InstanceProfileName: name }));
    const role = out.InstanceProfile?.Roles?.[0];
    if (!role?.RoleName || !role.RoleId || !role.Arn) return null;
    return {
      name: role.RoleName,
      roleId: role.RoleId,
      arn: role.Arn,
      path: role.Path ?? "/",
      createDate: role.CreateDate?.getTime() ?? 0,
      assumeRolePolicyDocument: decodeURIComponent(role.AssumeRolePolicyDocument ?? "{}"),
      maxSessionDuration: role.MaxSessionDuration ?? 3600,
    };
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchEntityException" || (error as { name?: string }).name === "NoSuchEntity") return null;
    throw error;
  }
}

/**
 * The backend's account, and the instance to serve IMDS for: the one named, or
 * its first running one. Its launch time is not taken: the backend's clock is
 * not the simulator's (a ManualClock, --time-scale).
 */
export async function adoptInstance(clients: BackendClients, instanceId: string | undefined): Promise<{ accountId: string; instance: ScenarioInstance }> {
  const { sts, ec2, sdk } = clients;
  const identity = await sts.send(new sdk.sts.GetCallerIdentityCommand({}));
  const out = await ec2.send(
    new sdk.ec2.DescribeInstancesCommand(
      instanceId === undefined ? { Filters: [{ Name: "instance-state-name", Values: ["running"] }] } : { InstanceIds: [instanceId] },
    ),
  );
  const found = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId);
  if (!identity.Account || !found?.InstanceId) {
    throw new SimInputError(instanceId === undefined ? "the AWS backend has no running instance: create one (RunInstances) or name one" : `the AWS backend has no instance ${instanceId}`);
  }
  const instance: ScenarioInstance = { instanceId: found.InstanceId, state: "running" };
  if (found.InstanceType) instance.instanceType = found.InstanceType;
  if (found.ImageId) instance.imageId = found.ImageId;
  if (found.Placement?.AvailabilityZone) instance.availabilityZone = found.Placement.AvailabilityZone;
  if (found.PrivateIpAddress) instance.privateIp = found.PrivateIpAddress;
  return { accountId: identity.Account, instance };
}
