import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { amzDate, signRequest, uriEscape } from "../../src/aws/sigv4.js";
import { queryBody } from "../../src/aws/query.js";
import { Secret } from "../../src/secret.js";

const NOW = Date.parse("2026-11-29T08:08:55Z");
const creds = { accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: new Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), sessionToken: new Secret("IQoJb3JpZ2luX2VjE+/token==") };

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) => (typeof d === "string" ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d));

/** The hash interface @smithy/signature-v4 takes, over node:crypto. */
class Sha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }
}

/** The same request signed by the SDK's own signer, over exactly the headers we sign. */
async function sdkAuthorization(url: URL, headers: Record<string, string>, body: string, service: string, region: string): Promise<string> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey.reveal(), sessionToken: creds.sessionToken.reveal() },
    region, service, sha256: Sha256, uriEscapePath: true, applyChecksum: false,
  });
  const unsigned = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== "authorization"));
  const signed = await signer.sign(
    { method: "POST", protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: url.pathname, query: {}, headers: unsigned, body },
    { signingDate: new Date(NOW), signableHeaders: new Set(Object.keys(unsigned)) },
  );
  return signed.headers.authorization ?? "";
}

describe("SigV4 signing", () => {
  const cases = [
    { what: "STS on its regional endpoint", url: "https://sts.eu-west-1.amazonaws.com/", service: "sts", region: "eu-west-1", body: queryBody("sts", "GetCallerIdentity", []) },
    { what: "IAM on its global endpoint, signed for us-east-1", url: "https://iam.amazonaws.com/", service: "iam", region: "us-east-1", body: queryBody("iam", "GetInstanceProfile", [["InstanceProfileName", "My+Profile=1,x.y@z"]]) },
    { what: "EC2 with a filter", url: "https://ec2.eu-west-1.amazonaws.com/", service: "ec2", region: "eu-west-1", body: queryBody("ec2", "DescribeIamInstanceProfileAssociations", [["Filter.1.Name", "instance-id"], ["Filter.1.Value.1", "i-0123456789abcdef0"]]) },
    { what: "a loopback endpoint with a port and a path", url: "http://127.0.0.1:4566/prefix/", service: "iam", region: "eu-west-1", body: queryBody("iam", "GetInstanceProfile", [["InstanceProfileName", "p"]]) },
  ];
  it.each(cases)("gives the signature @smithy/signature-v4 gives: $what", async ({ url, service, region, body }) => {
    const u = new URL(url);
    const headers = signRequest({ method: "POST", url: u, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body, service, region, now: NOW }, creds);
    expect(headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=ASIAIOSFODNN7EXAMPLE/20261129/${region}/${service}/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$`));
    expect(headers.authorization).toBe(await sdkAuthorization(u, headers, body, service, region));
  });

  it("sends the session token and the date it signed, and the host with its port", () => {
    const headers = signRequest({ method: "POST", url: new URL("http://127.0.0.1:4566/"), headers: {}, body: "", service: "sts", region: "us-east-1", now: NOW }, creds);
    expect(headers).toMatchObject({ host: "127.0.0.1:4566", "x-amz-date": "20261129T080855Z", "x-amz-security-token": "IQoJb3JpZ2luX2VjE+/token==" });
  });

  it("never puts the secret access key in a header", () => {
    const headers = signRequest({ method: "POST", url: new URL("https://sts.amazonaws.com/"), headers: {}, body: "", service: "sts", region: "us-east-1", now: NOW }, creds);
    expect(JSON.stringify(headers)).not.toContain(creds.secretAccessKey.reveal());
  });

  it.each([
    ["a-z_0.9~", "a-z_0.9~"],
    ["a b+c/d", "a%20b%2Bc%2Fd"],
    ["!'()*", "%21%27%28%29%2A"],
    ["é", "%C3%A9"],
  ])("escapes %j as %j (RFC 3986)", (raw, escaped) => {
    expect(uriEscape(raw)).toBe(escaped);
  });

  it("writes x-amz-date as YYYYMMDDTHHMMSSZ", () => {
    expect(amzDate(Date.parse("2026-01-02T03:04:05.678Z"))).toBe("20260102T030405Z");
  });
});
