/**
 * The API port as part of the whole simulator: the world's control plane
 * behind it, IMDS beside it, and its faults and counters on the control path.
 */
import { GetInstanceProfileCommand, RemoveRoleFromInstanceProfileCommand, DeleteRoleCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../../src/clock.js";
import type { Simulator } from "../../../src/sim/index.js";
import { control, read, startOnManualClock } from "../../support/sim-http.js";
import { clients, signedRequest, xmlText, type Keys } from "./support.js";

let sim: Simulator;
let clock: ManualClock;
beforeEach(async () => ({ sim, clock } = await startOnManualClock()));
afterEach(() => sim.close());

async function servedKeys(): Promise<Keys> {
  const res = await read(sim, "/latest/meta-data/iam/security-credentials/RedRole");
  const served = JSON.parse(res.text) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
  return { accessKeyId: served.AccessKeyId, secretAccessKey: served.SecretAccessKey, sessionToken: served.Token };
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  return promise.then(() => "succeeded", (error: Error) => error.name);
}

describe("the simulator's AWS API port", () => {
  it("answers the admin user, whose keys the scenario holds", async () => {
    const out = await clients(sim.awsUrl, sim.world.admin).sts.send(new GetCallerIdentityCommand({}));
    expect(out.Arn).toBe(`arn:aws:iam::${sim.world.accountId}:user/admin`);
  });

  it("knows the credentials IMDS serves: GetCallerIdentity names the role's session on the instance", async () => {
    const out = await clients(sim.awsUrl, await servedKeys()).sts.send(new GetCallerIdentityCommand({}));
    const role = sim.world.roles.get("RedRole");
    expect(out).toMatchObject({ Arn: `arn:aws:sts::${sim.world.accountId}:assumed-role/RedRole/${sim.instanceId}`, UserId: `${role?.roleId}:${sim.instanceId}` });
  });

  it("refuses served credentials past their Expiration with ExpiredToken, and a deleted role's with InvalidClientTokenId", async () => {
    const first = await servedKeys();
    clock.advance(7 * 3600_000);
    expect(await errorName(clients(sim.awsUrl, first).sts.send(new GetCallerIdentityCommand({})))).toBe("ExpiredToken");
    const current = await servedKeys();
    const { iam } = clients(sim.awsUrl, sim.world.admin);
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: "MyInPr", RoleName: "RedRole" }));
    await iam.send(new DeleteRoleCommand({ RoleName: "RedRole" }));
    expect(await errorName(clients(sim.awsUrl, current).sts.send(new GetCallerIdentityCommand({})))).toBe("InvalidClientTokenId");
  });

  it("accepts a signature dated on the simulator's clock or on the real time, and refuses one far from both", async () => {
    const at = (date: Date) => signedRequest(sim.awsUrl, { service: "sts", body: "Action=GetCallerIdentity&Version=2011-06-15", keys: sim.world.admin, date });
    expect((await at(new Date(clock.now()))).status).toBe(200);
    expect((await at(new Date())).status).toBe(200);
    const stale = await at(new Date(clock.now() - 86_400_000));
    expect([stale.status, xmlText(stale.text, "Code")]).toEqual([403, "SignatureDoesNotMatch"]);
  });
});

describe("API faults and counters on the control path", () => {
  it("PUT /rolewatch-sim/api-faults throttles, GET lists, DELETE clears", async () => {
    const put = await control(sim, "PUT", "api-faults", { service: "iam", kind: "throttle", count: 1 });
    expect([put.status, JSON.parse(put.text)]).toEqual([200, { faults: [{ service: "iam", kind: "throttle", count: 1 }] }]);
    const { iam } = clients(sim.awsUrl, sim.world.admin);
    const get = () => iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    expect(await errorName(get())).toBe("Throttling");
    expect(await errorName(get())).toBe("succeeded");
    await control(sim, "PUT", "api-faults", { service: "ec2", kind: "denied" });
    expect(JSON.parse((await control(sim, "GET", "api-faults")).text)).toEqual({ faults: [{ service: "ec2", kind: "denied" }] });
    expect(JSON.parse((await control(sim, "DELETE", "api-faults")).text)).toEqual({ faults: [] });
    expect(sim.apiFaults()).toEqual([]);
  });

  it("refuses a fault out of shape, or one no policy could cause, naming the problem", async () => {
    const bad = await control(sim, "PUT", "api-faults", { service: "s3", kind: "slow" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(/api fault\.service: must be one of sts, iam, ec2.*api fault\.kind: must be one of throttle, denied/);
    const sts = await control(sim, "PUT", "api-faults", { service: "sts", kind: "denied" });
    expect([sts.status, JSON.parse(sts.text).error]).toEqual([400, expect.stringContaining("GetCallerIdentity succeeds even under an explicit deny")]);
    expect((await control(sim, "POST", "api-faults")).status).toBe(405);
  });

  it("GET /rolewatch-sim/api-stats counts calls per service and action, as sim.apiStats() does", async () => {
    const { iam, sts } = clients(sim.awsUrl, sim.world.admin);
    await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "MyInPr" }));
    await sts.send(new GetCallerIdentityCommand({}));
    const stats = JSON.parse((await control(sim, "GET", "api-stats")).text) as unknown;
    expect(stats).toEqual({ requests: 2, calls: { "iam:GetInstanceProfile": 1, "sts:GetCallerIdentity": 1 }, pages: {}, errors: {}, faulted: 0 });
    expect(sim.apiStats()).toEqual(stats);
  });
});
