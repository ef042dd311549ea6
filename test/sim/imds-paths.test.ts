import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario, type Simulator, type SimulatorOptions } from "../../src/sim/index.js";
import { putToken, raw, read, SIM_START as START, startOnManualClock } from "../support/sim-http.js";

const TOKEN = "X-aws-ec2-metadata-token";
let sim: Simulator;

async function start(options: SimulatorOptions = {}): Promise<void> {
  ({ sim } = await startOnManualClock(options));
}
afterEach(() => sim.close());

const NOT_FOUND =
  '<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n' +
  '\t\t "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n' +
  " <head>\n  <title>404 - Not Found</title>\n </head>\n <body>\n  <h1>404 - Not Found</h1>\n </body>\n</html>\n";

describe("IMDSv2 reads: paths and exact bodies (docs/wire.md, IMDS reads, IMDS status codes and IMDS bodies)", () => {
  it("answers an unknown path 404 with the captured 339-byte XHTML page", async () => {
    await start();
    const res = await read(sim, "/latest/meta-data/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("text/html");
    expect(res.body.length).toBe(339);
    expect(res.text).toBe(NOT_FOUND);
  });

  it("collapses duplicate slashes, as the JS metadata client sends them", async () => {
    await start();
    const res = await read(sim, "//latest//meta-data/instance-id");
    expect(res.status).toBe(200);
    expect(res.text).toBe(sim.instanceId);
  });

  it("answers a leaf with a trailing slash 404, and a directory with or without one", async () => {
    await start();
    expect((await read(sim, "/latest/meta-data/instance-id/")).status).toBe(404);
    expect((await read(sim, "/latest/meta-data/iam")).text).toBe("info\nsecurity-credentials/");
  });

  it("serves the instance id as text/plain with no trailing newline", async () => {
    await start();
    const res = await read(sim, "/latest/meta-data/instance-id");
    expect(res.headers["content-type"]).toBe("text/plain");
    expect(res.text).toBe("i-0d4c8f2b7a91e3c56");
    expect(res.text).toMatch(/^i-[0-9a-f]{17}$/);
  });

  it("lists meta-data with directories marked by a slash and no trailing newline", async () => {
    await start();
    const res = await read(sim, "/latest/meta-data/");
    const items = res.text.split("\n");
    expect(res.text.endsWith("\n")).toBe(false);
    expect(items).toEqual(expect.arrayContaining(["ami-id", "iam/", "identity-credentials/", "instance-id", "placement/"]));
  });

  it("serves every item it lists", async () => {
    await start();
    const token = await putToken(sim);
    const walk = async (dir: string): Promise<number> => {
      const res = await raw(sim.imdsUrl, dir, { headers: { [TOKEN]: token } });
      expect(res.status, dir).toBe(200);
      let leaves = 0;
      for (const item of res.text.split("\n")) {
        if (item.endsWith("/")) leaves += await walk(dir + item);
        else {
          expect((await raw(sim.imdsUrl, dir + item, { headers: { [TOKEN]: token } })).status, dir + item).toBe(200);
          leaves++;
        }
      }
      return leaves;
    };
    expect(await walk("/latest/")).toBeGreaterThan(20);
  });

  it("serves iam/info byte for byte in the two-space, space-colon-space style", async () => {
    await start();
    const res = await read(sim, "/latest/meta-data/iam/info");
    expect(res.text).toBe(
      '{\n  "Code" : "Success",\n  "LastUpdated" : "2026-11-29T08:00:00Z",\n' +
        '  "InstanceProfileArn" : "arn:aws:iam::111122223333:instance-profile/MyInPr",\n' +
        '  "InstanceProfileId" : "AIPAM7YNPR2KD5QWX8HTC"\n}',
    );
  });

  it("names the delivered role, and serves its credentials in the documented key order", async () => {
    await start();
    expect((await read(sim, "/latest/meta-data/iam/security-credentials/")).text).toBe("RedRole");
    const res = await read(sim, "/latest/meta-data/iam/security-credentials/RedRole");
    const creds = JSON.parse(res.text) as Record<string, string>;
    expect(Object.keys(creds)).toEqual(["Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"]);
    expect(res.text).toMatch(/^\{\n {2}"Code" : "Success",\n/);
    expect(creds).toMatchObject({ Code: "Success", Type: "AWS-HMAC", LastUpdated: START, Expiration: "2026-11-29T14:00:00Z" });
    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(creds.SecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(creds.Token?.length).toBeGreaterThan(500);
    expect(creds.AccessKeyId).toBe(sim.served()?.issue.v2.accessKeyId);
  });

  it("answers 404 for a role other than the delivered one", async () => {
    await start();
    expect((await read(sim, "/latest/meta-data/iam/security-credentials/BlueRole")).status).toBe(404);
  });

  it("serves the extended credentials path (unlisted) with AccountId added", async () => {
    await start();
    expect((await read(sim, "/latest/meta-data/iam/security-credentials-extended/")).text).toBe("RedRole");
    const creds = JSON.parse((await read(sim, "/latest/meta-data/iam/security-credentials-extended/RedRole")).text) as Record<string, string>;
    expect(Object.keys(creds).at(-1)).toBe("AccountId");
    expect(creds.AccountId).toBe("111122223333");
  });

  it("serves the instance identity document with the documented fields", async () => {
    await start();
    const res = await read(sim, "/latest/dynamic/instance-identity/document");
    const doc = JSON.parse(res.text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      "accountId", "architecture", "availabilityZone", "billingProducts", "devpayProductCodes", "marketplaceProductCodes",
      "imageId", "instanceId", "instanceType", "kernelId", "pendingTime", "privateIp", "ramdiskId", "region", "version",
    ]);
    expect(doc).toMatchObject({ accountId: "111122223333", region: "us-east-1", instanceId: sim.instanceId, pendingTime: START });
    expect(res.text).toContain('\n  "billingProducts" : null,\n');
  });

  it("serves the instance identity role's credentials and info", async () => {
    await start();
    const creds = JSON.parse((await read(sim, "/latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance")).text) as Record<string, string>;
    const info = JSON.parse((await read(sim, "/latest/meta-data/identity-credentials/ec2/info")).text) as Record<string, string>;
    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(sim.world.sessions.get(creds.AccessKeyId ?? "")?.roleName).toBe("aws:ec2-instance");
    expect(info).toEqual({ Code: "Success", LastUpdated: START, AccountId: "111122223333" });
  });

  it("has no iam/ at all on an instance without an instance profile", async () => {
    const scenario = defaultScenario();
    scenario.instances = [{ instanceId: "i-0123456789abcdef0" }];
    await start({ scenario });
    for (const path of ["/latest/meta-data/iam/", "/latest/meta-data/iam/info", "/latest/meta-data/iam/security-credentials/"]) {
      expect((await read(sim, path)).status, path).toBe(404);
    }
    expect((await read(sim, "/latest/meta-data/")).text.split("\n")).not.toContain("iam/");
    expect((await read(sim, "/latest/meta-data/identity-credentials/ec2/info")).status).toBe(200);
  });

  it("keeps iam/info but has no credentials when the profile delivers no role", async () => {
    await start();
    sim.deliver(null);
    expect((await read(sim, "/latest/meta-data/iam/info")).status).toBe(200);
    expect((await read(sim, "/latest/meta-data/iam/")).text).toBe("info");
    expect((await read(sim, "/latest/meta-data/iam/security-credentials/")).status).toBe(404);
  });
});
