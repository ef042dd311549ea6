import { EC2Client, DescribeIamInstanceProfileAssociationsCommand } from "@aws-sdk/client-ec2";
import { GetInstanceProfileCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryApi } from "../../src/aws/api.js";
import { NO_CONFIGURED_ENDPOINTS, resolveEndpoint } from "../../src/aws/endpoints.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import { Secret } from "../../src/secret.js";
import { startFakeAws, type FakeAws } from "../support/aws-loopback.js";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1"];
const SDK = { sts: STSClient, iam: IAMClient, ec2: EC2Client } as const;

/** The endpoints a configuration read from `env` alone gives the three APIs. */
const configured = (env: Record<string, string>) => loadConfig({ argv: [], env, readFile: () => null }).config.aws.endpoints;

describe("default endpoints, as the SDK v3 clients resolve them", () => {
  const cases = REGIONS.flatMap((region) => (["sts", "iam", "ec2"] as const).map((service) => ({ service, region })));
  it.each(cases)("$service in $region", ({ service, region }) => {
    const client = new SDK[service]({ region });
    const sdk = client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false, UseGlobalEndpoint: false }, {});
    const schemes = sdk.properties?.authSchemes as { signingRegion?: string }[] | undefined;
    const ours = resolveEndpoint(service, region, NO_CONFIGURED_ENDPOINTS);
    expect(ours.url.href).toBe(sdk.url.href);
    expect(ours.signingRegion).toBe(schemes?.[0]?.signingRegion ?? region);
    client.destroy();
  });
});

describe("endpoints configured the standard way", () => {
  it.each([
    [{ AWS_ENDPOINT_URL: "http://127.0.0.1:1/" }, "sts", "http://127.0.0.1:1/"],
    [{ AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:2/x" }, "iam", "http://127.0.0.1:2/x/"],
    [{ AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:2" }, "ec2", "http://127.0.0.1:1/"],
    [{ AWS_ENDPOINT_URL_EC2: "https://ec2.example.test" }, "ec2", "https://ec2.example.test/"],
    [{ AWS_ENDPOINT_URL_EC2: "" , AWS_ENDPOINT_URL: "http://127.0.0.1:1" }, "ec2", "http://127.0.0.1:1/"],
    [{ AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, "sts", null],
    [{}, "sts", null],
  ] as const)("%j gives %s the endpoint %s", (env, service, url) => {
    const endpoints = configured(env);
    expect(endpoints[service]).toBe(url);
    if (url !== null) expect(resolveEndpoint(service, "eu-west-1", endpoints).url.href).toBe(url);
  });

  it("signs IAM for the instance's region when an endpoint is configured, not us-east-1", () => {
    expect(resolveEndpoint("iam", "eu-west-1", configured({ AWS_ENDPOINT_URL: "http://127.0.0.1:1" })).signingRegion).toBe("eu-west-1");
  });

  it.each([
    ["AWS_ENDPOINT_URL", "not a url"],
    ["AWS_ENDPOINT_URL", "garbage"],
    ["AWS_ENDPOINT_URL_STS", "ftp://127.0.0.1/"],
    ["AWS_ENDPOINT_URL_IAM", "http://user:secret@127.0.0.1/"],
    ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "maybe"],
  ])("refuses %s=%s at start, as a configuration error naming it", (name, value) => {
    let error: unknown;
    try {
      configured({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(name);
  });

  describe("on the wire, next to the SDK reading the same variables", () => {
    let global: FakeAws;
    let iam: FakeAws;
    beforeAll(async () => {
      const answer = () => ({ status: 400, body: "" });
      global = await startFakeAws(answer);
      iam = await startFakeAws(answer);
      vi.stubEnv("AWS_ENDPOINT_URL", global.url);
      vi.stubEnv("AWS_ENDPOINT_URL_IAM", `${iam.url}/x`);
    });
    afterAll(async () => {
      vi.unstubAllEnvs();
      await global.close();
      await iam.close();
    });

    it("each call goes where the SDK's goes, with the same path and credential scope", async () => {
      const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "s" };
      const sdk = [
        () => new STSClient({ region: "eu-west-1", credentials, maxAttempts: 1 }).send(new GetCallerIdentityCommand({})),
        () => new IAMClient({ region: "eu-west-1", credentials, maxAttempts: 1 }).send(new GetInstanceProfileCommand({ InstanceProfileName: "p" })),
        () => new EC2Client({ region: "eu-west-1", credentials, maxAttempts: 1 }).send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "instance-id", Values: ["i-1"] }] })),
      ];
      for (const call of sdk) await call().catch(() => undefined);
      const api = queryApi({ clock: new ManualClock(), region: "eu-west-1", endpoints: configured({ AWS_ENDPOINT_URL: global.url, AWS_ENDPOINT_URL_IAM: `${iam.url}/x` }), timeoutMs: 2000, maxBodyBytes: 1024 });
      const ours = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: new Secret("s") };
      await api.getCallerIdentity(ours).catch(() => undefined);
      await api.getInstanceProfile("p", ours).catch(() => undefined);
      await api.describeAssociation("i-1", ours).catch(() => undefined);
      const seen = (fake: FakeAws) => fake.requests.map((r) => `${r.service} ${r.region} ${r.path}`);
      expect(seen(global)).toEqual(["sts eu-west-1 /", "ec2 eu-west-1 /", "sts eu-west-1 /", "ec2 eu-west-1 /"]);
      expect(seen(iam)).toEqual(["iam eu-west-1 /x/", "iam eu-west-1 /x/"]);
    });
  });
});

describe("a region out of format", () => {
  it.each(["evil.example/#", "evil.example", "us-east-1.evil.example", "us-east-1/", "us-east-1:443", ""])("%j picks no endpoint and signs nothing", (region) => {
    for (const service of ["sts", "iam", "ec2"] as const) {
      expect(() => resolveEndpoint(service, region, NO_CONFIGURED_ENDPOINTS)).toThrow("not an AWS region code");
      expect(() => resolveEndpoint(service, region, { sts: "http://127.0.0.1:1", iam: "http://127.0.0.1:1", ec2: "http://127.0.0.1:1" })).toThrow("not an AWS region code");
    }
  });
});
