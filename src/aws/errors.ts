import { RolewatchError } from "../errors.js";

/** The three Query APIs rolewatch calls; also the SigV4 signing name of each. */
export type AwsService = "sts" | "iam" | "ec2";

/**
 * AWS answered with an error envelope (docs/wire.md, Query errors for STS and IAM, EC2
 * DescribeIamInstanceProfileAssociations for EC2). `awsMessage` has already been scrubbed of the credentials that
 * signed the request: some services quote the canonical request, and with it
 * the session token, in SignatureDoesNotMatch.
 */
export class AwsApiError extends RolewatchError {
  constructor(
    readonly service: AwsService,
    readonly code: string,
    readonly status: number,
    readonly awsMessage: string,
    readonly requestId?: string,
  ) {
    super(`${service.toUpperCase()} ${code} (HTTP ${status})${awsMessage ? `: ${awsMessage}` : ""}`);
  }
}

/** No HTTP answer: refused, reset, unresolvable, or past the deadline (`code` "TimeoutError"). */
export class AwsTransportError extends RolewatchError {
  constructor(
    readonly service: AwsService,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(`${service.toUpperCase()} request failed: ${code}`, options);
  }
}

/** An answer that is not what the API documents: bad XML, a missing field, a body over the cap. */
export class AwsResponseError extends RolewatchError {
  constructor(
    readonly service: AwsService,
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${service.toUpperCase()} bad response (HTTP ${status}): ${detail}`);
  }
}
