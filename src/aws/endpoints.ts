/**
 * Where each API is called and for which region it is signed, the way the AWS
 * SDKs do it ("Service-specific endpoints", AWS SDKs and Tools reference
 * guide): `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, unless
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`; else the default endpoint of the
 * region's partition. test/aws/endpoints.test.ts checks each against what
 * @aws-sdk/client-sts, client-iam and client-ec2 resolve. The shared config
 * file's `endpoint_url` is not read: a daemon on an instance has no profile.
 */
import type { AwsService } from "./errors.js";

export interface Endpoint {
  url: URL;
  /** The SigV4 credential-scope region. */
  signingRegion: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const ENV_NAMES: Record<AwsService, string> = { sts: "AWS_ENDPOINT_URL_STS", iam: "AWS_ENDPOINT_URL_IAM", ec2: "AWS_ENDPOINT_URL_EC2" };

interface Partition {
  suffix: string;
  /** IAM is one global endpoint per partition, signed for that partition's home region. */
  iam: { host: string; region: string };
}

const PARTITIONS: Record<"aws" | "aws-cn" | "aws-us-gov", Partition> = {
  aws: { suffix: "amazonaws.com", iam: { host: "iam.amazonaws.com", region: "us-east-1" } },
  "aws-cn": { suffix: "amazonaws.com.cn", iam: { host: "iam.cn-north-1.amazonaws.com.cn", region: "cn-north-1" } },
  "aws-us-gov": { suffix: "amazonaws.com", iam: { host: "iam.us-gov.amazonaws.com", region: "us-gov-west-1" } },
};

function partitionOf(region: string): Partition {
  if (region.startsWith("cn-")) return PARTITIONS["aws-cn"];
  if (region.startsWith("us-gov-")) return PARTITIONS["aws-us-gov"];
  return PARTITIONS.aws;
}

/** The configured endpoint URL for `service`, if any; a set but invalid URL throws (a configuration error). */
export function configuredEndpoint(service: AwsService, env: Env): URL | null {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true") return null;
  const name = env[ENV_NAMES[service]] ? ENV_NAMES[service] : "AWS_ENDPOINT_URL";
  const value = env[name];
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} is not a URL: ${value}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`${name} must be an http(s) URL: ${value}`);
  // The SDK posts to the endpoint's path with a trailing slash ("http://h/x" -> "/x/").
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

/**
 * A configured endpoint is signed for `region` (IAM included: the SDK signs
 * IAM with the client's region when it is given an endpoint, docs/wire.md, Query protocol).
 */
export function resolveEndpoint(service: AwsService, region: string, env: Env): Endpoint {
  const configured = configuredEndpoint(service, env);
  if (configured) return { url: configured, signingRegion: region };
  const partition = partitionOf(region);
  if (service === "iam") return { url: new URL(`https://${partition.iam.host}/`), signingRegion: partition.iam.region };
  return { url: new URL(`https://${service}.${region}.${partition.suffix}/`), signingRegion: region };
}
