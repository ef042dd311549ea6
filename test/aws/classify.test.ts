import { DescribeIamInstanceProfileAssociationsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetInstanceProfileCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryApi } from "../../src/aws/api.js";
import { classify, controlPlaneOutcome, stsOutcome, type FailureKind } from "../../src/aws/classify.js";
import { AwsApiError, AwsResponseError, AwsTransportError, type AwsService } from "../../src/aws/errors.js";
import { ManualClock } from "../../src/clock.js";
import { Secret } from "../../src/secret.js";
import { ec2ErrorXml, IAM_NS, queryErrorXml } from "../support/aws-bodies.js";
import { endpointsAt, startFakeAws, type Answer, type FakeAws } from "../support/aws-loopback.js";

// AWS's own wording of a deny that AWSRevokeOlderSessions states, and of a request dated too far off (docs/wire.md, Query errors).
const IAM_EXPLICIT = "User: arn:aws:sts::123456789012:assumed-role/RedRole/i-0123456789abcdef0 is not authorized to perform: iam:GetInstanceProfile on resource: instance profile MyInPr with an explicit deny in an identity-based policy";
const EC2_EXPLICIT = "You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/RedRole/i-0123456789abcdef0 is not authorized to perform: ec2:DescribeIamInstanceProfileAssociations with an explicit deny in an identity-based policy. Encoded authorization failure message: AbCdEf0123";
const IMPLICIT = "User: arn:aws:sts::123456789012:assumed-role/RedRole/i-0123456789abcdef0 is not authorized to perform: iam:GetInstanceProfile on resource: instance profile MyInPr because no identity-based policy allows the iam:GetInstanceProfile action";
const SCP = "User: arn:aws:sts::123456789012:assumed-role/RedRole/i-0123456789abcdef0 is not authorized to perform: iam:GetInstanceProfile with an explicit deny in a service control policy";
const EXPIRED = "Signature expired: 20261129T075000Z is now earlier than 20261129T075500Z (20261129T081000Z - 15 min.)";
const NOT_YET = "Signature not yet current: 20261129T083000Z is still later than 20261129T081500Z (20261129T080000Z + 15 min.)";

const ENVELOPES: { service: AwsService; status: number; code: string; message?: string; kind: FailureKind }[] = [
  { service: "sts", status: 403, code: "ExpiredToken", kind: "rejected" },
  { service: "sts", status: 403, code: "InvalidClientTokenId", kind: "rejected" },
  { service: "sts", status: 403, code: "SignatureDoesNotMatch", kind: "rejected" },
  { service: "sts", status: 403, code: "IncompleteSignature", kind: "rejected" },
  { service: "sts", status: 400, code: "Throttling", kind: "throttled" },
  { service: "sts", status: 403, code: "AccessDenied", kind: "denied" },
  { service: "iam", status: 400, code: "Throttling", kind: "throttled" },
  { service: "iam", status: 403, code: "AccessDenied", kind: "denied" },
  { service: "iam", status: 404, code: "NoSuchEntity", kind: "not-found" },
  { service: "iam", status: 403, code: "ExpiredToken", kind: "rejected" },
  { service: "iam", status: 500, code: "ServiceFailure", kind: "retryable" },
  { service: "ec2", status: 503, code: "RequestLimitExceeded", kind: "throttled" },
  { service: "ec2", status: 403, code: "UnauthorizedOperation", kind: "denied" },
  { service: "ec2", status: 401, code: "AuthFailure", kind: "rejected" },
  { service: "ec2", status: 400, code: "RequestExpired", kind: "clock-skew" },
  { service: "iam", status: 403, code: "AccessDenied", message: IAM_EXPLICIT, kind: "explicit-deny" },
  { service: "iam", status: 403, code: "AccessDenied", message: IMPLICIT, kind: "denied" },
  { service: "iam", status: 403, code: "AccessDenied", message: SCP, kind: "denied" },
  { service: "ec2", status: 403, code: "UnauthorizedOperation", message: EC2_EXPLICIT, kind: "explicit-deny" },
  { service: "sts", status: 403, code: "SignatureDoesNotMatch", message: EXPIRED, kind: "clock-skew" },
  { service: "sts", status: 403, code: "SignatureDoesNotMatch", message: NOT_YET, kind: "clock-skew" },
  { service: "iam", status: 403, code: "SignatureDoesNotMatch", message: EXPIRED, kind: "clock-skew" },
  { service: "sts", status: 403, code: "RequestTimeTooSkewed", kind: "clock-skew" },
  { service: "ec2", status: 400, code: "InvalidParameterValue", kind: "error" },
  { service: "ec2", status: 500, code: "InternalError", kind: "retryable" },
];

function envelope(service: AwsService, code: string, message: string): string {
  if (service === "ec2") return ec2ErrorXml(code, message);
  return queryErrorXml(code, message, service === "iam" ? IAM_NS : undefined);
}

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const sdkCredentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET };
const ourCredentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: new Secret(SECRET) };

/** The SDK's own error object for one call against `endpoint`: what `classify` must read. */
async function sdkError(service: AwsService, endpoint: string): Promise<unknown> {
  const config = { region: "eu-west-1", endpoint, credentials: sdkCredentials, maxAttempts: 1 };
  const calls = {
    sts: () => new STSClient(config).send(new GetCallerIdentityCommand({})),
    iam: () => new IAMClient(config).send(new GetInstanceProfileCommand({ InstanceProfileName: "p" })),
    ec2: () => new EC2Client(config).send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "instance-id", Values: ["i-1"] }] })),
  };
  return calls[service]().then(() => { throw new Error("the call succeeded"); }, (e: unknown) => e);
}

async function ourError(service: AwsService, endpoint: string, timeoutMs = 2000): Promise<unknown> {
  const api = queryApi({ clock: new ManualClock(), region: "eu-west-1", endpoints: endpointsAt(endpoint), timeoutMs, maxBodyBytes: 4096 });
  const calls = {
    sts: () => api.getCallerIdentity(ourCredentials),
    iam: () => api.getInstanceProfile("p", ourCredentials),
    ec2: () => api.describeAssociation("i-1", ourCredentials),
  };
  return calls[service]().then(() => { throw new Error("the call succeeded"); }, (e: unknown) => e);
}

describe("classifying an AWS error envelope", () => {
  let fake: FakeAws;
  let answer: Answer = { status: 500, body: "" };
  beforeAll(async () => {
    fake = await startFakeAws(() => answer);
  });
  afterAll(() => fake.close());

  it.each(ENVELOPES)("$service $code (HTTP $status) is $kind, read from the SDK's error and from ours alike", async ({ service, status, code, message = `message of ${code}`, kind }) => {
    answer = { status, body: envelope(service, code, message) };
    const sdk = classify(await sdkError(service, fake.url));
    const ours = classify(await ourError(service, fake.url));
    expect(sdk).toMatchObject({ kind, code, status });
    expect(ours).toEqual({ kind, code, status, message });
  });

  it.each([
    [429, "throttled"],
    [503, "throttled"],
    [502, "retryable"],
    [500, "retryable"],
    [404, "error"],
  ] as const)("a body that is no envelope with HTTP %i is %s", async (status, kind) => {
    answer = { status, body: "<html>proxy error</html>" };
    for (const service of ["sts", "iam", "ec2"] as const) {
      expect(classify(await sdkError(service, fake.url)).kind, `SDK ${service}`).toBe(kind);
      expect(classify(await ourError(service, fake.url)).kind, `ours ${service}`).toBe(kind);
    }
  });

  it("a success that is not XML is an error (a bad response), not something to retry", async () => {
    answer = { status: 200, body: "{}" };
    const error = await ourError("sts", fake.url);
    expect(error).toBeInstanceOf(AwsResponseError);
    expect(classify(error)).toMatchObject({ kind: "error", code: "BadResponse", status: 200 });
  });
});

describe("classifying a failure without an answer", () => {
  it("a refused connection is retryable, from the SDK and from us", async () => {
    const port = await closedPort();
    for (const service of ["sts", "iam", "ec2"] as const) {
      expect(classify(await sdkError(service, `http://127.0.0.1:${port}`))).toMatchObject({ kind: "retryable", code: "ECONNREFUSED" });
      expect(classify(await ourError(service, `http://127.0.0.1:${port}`))).toMatchObject({ kind: "retryable", code: "ECONNREFUSED" });
    }
  });

  it("a server that never answers is a retryable TimeoutError", async () => {
    // Reads and drops what comes, so that it sees the client hang up and can close.
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const error = await ourError("iam", `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, 200);
      expect(error).toBeInstanceOf(AwsTransportError);
      expect(classify(error)).toMatchObject({ kind: "retryable", code: "TimeoutError" });
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("classifying plain objects and our own errors", () => {
  const table: [string, unknown, FailureKind, string][] = [
    ["SDK-shaped Throttling", { name: "Throttling", $metadata: { httpStatusCode: 400 } }, "throttled", "Throttling"],
    ["ThrottlingException", { name: "ThrottlingException" }, "throttled", "ThrottlingException"],
    ["TooManyRequestsException", { name: "TooManyRequestsException" }, "throttled", "TooManyRequestsException"],
    ["RequestLimitExceeded", { Code: "RequestLimitExceeded", $metadata: { httpStatusCode: 503 } }, "throttled", "RequestLimitExceeded"],
    ["any 429", { name: "Whatever", $metadata: { httpStatusCode: 429 } }, "throttled", "Whatever"],
    ["the SDK's throttling flag", { name: "X", $retryable: { throttling: true } }, "throttled", "X"],
    ["AccessDeniedException", { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }, "denied", "AccessDeniedException"],
    ["NoSuchEntityException named by the SDK, Code kept", { name: "NoSuchEntityException", Code: "NoSuchEntity" }, "not-found", "NoSuchEntity"],
    ["a Node network error", Object.assign(new Error("connect ECONNRESET"), { code: "ECONNRESET" }), "retryable", "ECONNRESET"],
    ["the SDK's TimeoutError", Object.assign(new Error("timed out"), { name: "TimeoutError" }), "retryable", "TimeoutError"],
    ["a 5xx without a code", { $metadata: { httpStatusCode: 504 } }, "retryable", "UnknownError"],
    ["a plain Error", new Error("boom"), "error", "UnknownError"],
    ["a string", "boom", "error", "UnknownError"],
    ["null", null, "error", "UnknownError"],
    ["our AwsApiError", new AwsApiError("iam", "AccessDenied", 403, "User: x is not authorized"), "denied", "AccessDenied"],
    ["our AwsTransportError", new AwsTransportError("ec2", "EAI_AGAIN"), "retryable", "EAI_AGAIN"],
  ];
  it.each(table)("%s", (_what, error, kind, code) => {
    expect(classify(error)).toMatchObject({ kind, code });
  });
});

describe("the metric outcome of each kind", () => {
  it.each([
    ["ok", "ok", "ok"],
    ["throttled", "throttled", "throttled"],
    ["denied", "denied", "denied"],
    ["rejected", "rejected", "denied"],
    ["explicit-deny", "denied", "denied"],
    ["clock-skew", "error", "error"],
    ["not-found", "error", "not-found"],
    ["retryable", "error", "error"],
    ["error", "error", "error"],
  ] as const)("%s counts as sts %s and control plane %s", (kind, sts, controlPlane) => {
    expect(stsOutcome(kind)).toBe(sts);
    expect(controlPlaneOutcome(kind)).toBe(controlPlane);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
