/**
 * Revoked sessions on the wire, through the whole simulator with the JS SDK:
 * IAM and EC2 refuse them with their own explicit-deny errors, STS still
 * answers, and IMDS brings working credentials at its refresh (docs/wire.md,
 * Revoked sessions; world/delivery-rules.ts, S5e).
 */
import { DescribeIamInstanceProfileAssociationsCommand } from "@aws-sdk/client-ec2";
import { GetInstanceProfileCommand, GetRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isoSeconds, type ManualClock } from "../../../src/clock.js";
import { defaultScenario, type Simulator } from "../../../src/sim/index.js";
import { REVOKE_POLICY_NAME, revokePolicyDocument } from "../../../src/sim/plane/iam-policies.js";
import { read, startOnManualClock } from "../../support/sim-http.js";
import { clients, type Keys } from "./support.js";

let sim: Simulator;
let clock: ManualClock;
beforeEach(async () => ({ sim, clock } = await startOnManualClock({ scenario: { ...defaultScenario(), delays: { revocationSeconds: 600 } } })));
afterEach(() => sim.close());

async function servedKeys(): Promise<Keys> {
  const served = JSON.parse((await read(sim, "/latest/meta-data/iam/security-credentials/RedRole")).text) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
  return { accessKeyId: served.AccessKeyId, secretAccessKey: served.SecretAccessKey, sessionToken: served.Token };
}

/** What the SDK reports of a refusal. */
async function refusal(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  const error = (await promise.then(() => expect.fail("the call succeeded"), (e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode?: number } };
  return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode };
}

async function revokeNow(): Promise<void> {
  const document = revokePolicyDocument(isoSeconds(clock.now()));
  await clients(sim.awsUrl, sim.world.admin).iam.send(new PutRolePolicyCommand({ RoleName: "RedRole", PolicyName: REVOKE_POLICY_NAME, PolicyDocument: document }));
}

describe("a revoked session", () => {
  it("is denied IAM and EC2 actions with an explicit deny, in each service's words; GetCallerIdentity still answers", async () => {
    const keys = await servedKeys();
    clock.advance(60_000);
    await revokeNow();
    const { sts, iam, ec2 } = clients(sim.awsUrl, keys);
    const arn = `arn:aws:sts::${sim.world.accountId}:assumed-role/RedRole/${sim.instanceId}`;
    expect(await refusal(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" })))).toEqual({
      name: "AccessDenied",
      message: `User: ${arn} is not authorized to perform: iam:GetInstanceProfile on resource: instance profile MyInPr with an explicit deny in an identity-based policy`,
      status: 403,
    });
    expect((await refusal(iam.send(new GetRoleCommand({ RoleName: "RedRole" })))).message).toBe(
      `User: ${arn} is not authorized to perform: iam:GetRole on resource: role RedRole with an explicit deny in an identity-based policy`,
    );
    const filter = { Filters: [{ Name: "instance-id", Values: [sim.instanceId] }] };
    expect(await refusal(ec2.send(new DescribeIamInstanceProfileAssociationsCommand(filter)))).toEqual({
      name: "UnauthorizedOperation",
      message: `You are not authorized to perform this operation. User: ${arn} is not authorized to perform: ec2:DescribeIamInstanceProfileAssociations with an explicit deny in an identity-based policy`,
      status: 403,
    });
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: arn });
    expect(sim.apiStats().errors).toEqual({ AccessDenied: 2, UnauthorizedOperation: 1 });
  });

  it("is served by IMDS until its refresh; the credentials it serves then are allowed", async () => {
    const revoked = await servedKeys();
    clock.advance(60_000);
    await revokeNow();
    clock.advance(600_000 - 1000);
    expect((await servedKeys()).accessKeyId).toBe(revoked.accessKeyId);
    clock.advance(1000);
    const fresh = await servedKeys();
    expect(fresh.accessKeyId).not.toBe(revoked.accessKeyId);
    const out = await clients(sim.awsUrl, fresh).iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    expect(out.InstanceProfile?.Roles?.map((r) => r.RoleName)).toEqual(["RedRole"]);
    expect((await refusal(clients(sim.awsUrl, revoked).iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" })))).name).toBe("AccessDenied");
  });
});
