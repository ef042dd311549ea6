/**
 * Where each API is called and for which region it is signed, the way the AWS
 * SDKs do it ("Service-specific endpoints", AWS SDKs and Tools reference
 * guide): the endpoint configured for the service (the options
 * aws.<service>Endpoint and aws.endpoint, read from AWS_ENDPOINT_URL_<SERVICE>
 * and AWS_ENDPOINT_URL and checked at start, src/config/options.ts), else the
 * default endpoint of the region's partition. test/aws/endpoints.test.ts checks each against what
 * @aws-sdk/client-sts, client-iam and client-ec2 resolve. The shared config
 * file's `endpoint_url` is not read: a daemon on an instance has no profile.
 */
import { REGION } from "../formats.js";
import type { AwsService } from "./errors.js";

export interface Endpoint {
  url: URL;
  /** The SigV4 credential-scope region. */
  signingRegion: string;
}

/** The endpoint configured for each API; null: the API's own endpoint in the region. */
export type ConfiguredEndpoints = Readonly<Record<AwsService, string | null>>;

export const NO_CONFIGURED_ENDPOINTS: ConfiguredEndpoints = { sts: null, iam: null, ec2: null };

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

/**
 * A configured endpoint is signed for `region` (IAM included: the SDK signs
 * IAM with the client's region when it is given an endpoint, docs/wire.md, Query protocol).
 */
export function resolveEndpoint(service: AwsService, region: string, configured: ConfiguredEndpoints): Endpoint {
  // The region picks the host and the signing scope: one out of format (from a hostile IMDS) never gets that far.
  if (!REGION.test(region)) throw new RangeError("not an AWS region code");
  const own = configured[service];
  if (own !== null) {
    const url = new URL(own);
    // The SDK posts to the endpoint's path with a trailing slash ("http://h/x" -> "/x/").
    if (!url.pathname.endsWith("/")) url.pathname += "/";
    return { url, signingRegion: region };
  }
  const partition = partitionOf(region);
  if (service === "iam") return { url: new URL(`https://${partition.iam.host}/`), signingRegion: partition.iam.region };
  return { url: new URL(`https://${service}.${region}.${partition.suffix}/`), signingRegion: region };
}
