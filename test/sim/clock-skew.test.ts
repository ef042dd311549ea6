/**
 * The clock fault (src/sim/skew.ts): the simulator's Date headers and its
 * signature-date check run ahead of (or behind) its clients' clock, and a
 * request signed with the client's own time is refused with SigV4's own errors
 * (docs/wire.md, SigV4 and Clock skew).
 */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { ConfigError } from "../../src/errors.js";
import { defaultScenario, loadScenario, startSimulator, type Simulator } from "../../src/sim/index.js";
import { control, putToken, raw, SIM_START } from "../support/sim-http.js";
import { clients, signedRequest, xmlText } from "./aws/support.js";

const CALLER = "Action=GetCallerIdentity&Version=2011-06-15";
const PROFILE = "Action=GetInstanceProfile&Version=2010-05-08&InstanceProfileName=MyInPr";
const DESCRIBE = "Action=DescribeIamInstanceProfileAssociations&Version=2016-11-15";

let sim: Simulator | undefined;
afterEach(() => sim?.close());

/** A simulator whose only signing clock is the agent's (a ManualClock), with the scenario's clock fault. */
async function start(skewSeconds?: number): Promise<{ sim: Simulator; clock: ManualClock }> {
  const clock = new ManualClock(SIM_START);
  const scenario = { ...defaultScenario(), ...(skewSeconds === undefined ? {} : { clock: { skewSeconds } }) };
  sim = await startSimulator({ clock, signingClocks: [clock], scenario });
  return { sim, clock };
}

const signed = (s: Simulator, clock: ManualClock, service: string, body: string) => signedRequest(s.awsUrl, { service, body, keys: s.world.admin, date: new Date(clock.now()) });

describe("the clock fault", () => {
  it("is read from a scenario, and refused out of range", () => {
    const base = 'accountId: "111122223333"\nregion: us-east-1\ninstances: [{}]\n';
    expect(loadScenario(`${base}clock: { skewSeconds: -1200 }\n`).clock).toEqual({ skewSeconds: -1200 });
    expect(() => loadScenario(`${base}clock: { skewSeconds: 90000, zone: utc }\n`)).toThrow(ConfigError);
    try {
      loadScenario(`${base}clock: { skewSeconds: 90000, zone: utc }\n`);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "scenario.clock.zone: unknown key (allowed: skewSeconds)",
        "scenario.clock.skewSeconds: must be an integer from -86400 to 86400 (got 90000)",
      ]);
    }
  });

  it("moves the Date header of both ports, and nothing the world says about time", async () => {
    const { sim } = await start(1200);
    const read = await raw(sim.imdsUrl, "/latest/meta-data/iam/security-credentials/RedRole", { headers: { "X-aws-ec2-metadata-token": await putToken(sim) } });
    expect(read.headers.date).toBe("Sun, 29 Nov 2026 08:20:00 GMT");
    expect(JSON.parse(read.text)).toMatchObject({ LastUpdated: "2026-11-29T08:00:00Z", Expiration: "2026-11-29T14:00:00Z" });
    const sts = await signedRequest(sim.awsUrl, { service: "sts", body: CALLER, keys: sim.world.admin, date: new Date(Date.parse(SIM_START) + 1_200_000) });
    expect([sts.status, sts.headers.date]).toEqual([200, "Sun, 29 Nov 2026 08:20:00 GMT"]);
  });

  it("refuses a signature dated with the agent's time: 'Signature expired' from STS and IAM, RequestExpired from EC2", async () => {
    const { sim, clock } = await start(1200);
    const sts = await signed(sim, clock, "sts", CALLER);
    expect([sts.status, xmlText(sts.text, "Code"), xmlText(sts.text, "Message")]).toEqual([
      403,
      "SignatureDoesNotMatch",
      "Signature expired: 20261129T080000Z is now earlier than 20261129T080500Z (20261129T082000Z - 15 min.)",
    ]);
    const iam = await signed(sim, clock, "iam", PROFILE);
    expect([iam.status, xmlText(iam.text, "Code"), xmlText(iam.text, "Message")]).toEqual([403, "SignatureDoesNotMatch", xmlText(sts.text, "Message")]);
    const ec2 = await signed(sim, clock, "ec2", DESCRIBE);
    expect([ec2.status, xmlText(ec2.text, "Code"), xmlText(ec2.text, "Message")]).toEqual([400, "RequestExpired", "Request has expired."]);
    expect(sts.headers.date).toBe("Sun, 29 Nov 2026 08:20:00 GMT");
  });

  it("behind the agent: 'Signature not yet current'; within 15 minutes: accepted", async () => {
    const { sim, clock } = await start(-1200);
    const sts = await signed(sim, clock, "sts", CALLER);
    expect(xmlText(sts.text, "Message")).toBe("Signature not yet current: 20261129T080000Z is still later than 20261129T075500Z (20261129T074000Z + 15 min.)");
    sim.setClockSkew(900);
    expect((await signed(sim, clock, "sts", CALLER)).status).toBe(200);
    sim.setClockSkew(901);
    expect((await signed(sim, clock, "sts", CALLER)).status).toBe(403);
  });

  it("is set, read and ended on /rolewatch-sim/clock-skew", async () => {
    const { sim, clock } = await start();
    expect(JSON.parse((await control(sim, "GET", "clock-skew")).text)).toEqual({ skewSeconds: 0 });
    expect(JSON.parse((await control(sim, "PUT", "clock-skew", { skewSeconds: 1200 })).text)).toEqual({ skewSeconds: 1200 });
    expect(sim.clockSkew()).toBe(1200);
    expect((await signed(sim, clock, "sts", CALLER)).status).toBe(403);
    expect(JSON.parse((await control(sim, "DELETE", "clock-skew")).text)).toEqual({ skewSeconds: 0 });
    expect((await signed(sim, clock, "sts", CALLER)).status).toBe(200);
  });

  it.each([
    ["no body", undefined, /body must be \{"skewSeconds"/],
    ["a fraction", { skewSeconds: 1.5 }, /clock skew.skewSeconds: must be an integer from -86400 to 86400/],
    ["an unknown key", { skewSeconds: 1, minutes: 2 }, /clock skew.minutes: unknown key/],
    ["no skewSeconds", {}, /clock skew.skewSeconds: is required/],
  ])("answers 400 to PUT /rolewatch-sim/clock-skew with %s", async (_what, body, message) => {
    const { sim } = await start(60);
    const res = await control(sim, "PUT", "clock-skew", body);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.text) as { error: string }).error).toMatch(message);
    expect(sim.clockSkew()).toBe(60);
  });

  it("is what the JS SDK corrects its clock from: refused once, its next call is signed on the Date header's time", async () => {
    const clock = new ManualClock(SIM_START);
    sim = await startSimulator({ clock, signingClocks: [clock], scenario: { ...defaultScenario(), clock: { skewSeconds: 1200 } } });
    const sts = clients(sim.awsUrl, sim.world.admin).sts;
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "SignatureDoesNotMatch" });
    const retried = await sts.send(new GetCallerIdentityCommand({}));
    expect(retried.Account).toBe(sim.world.accountId);
    expect(sim.apiStats().errors).toEqual({ SignatureDoesNotMatch: 1 });
  });
});
