import { AwsFault } from "../plane/control-plane.js";

/** The three Query services the API port speaks, told apart by the SigV4 credential scope (docs/wire.md, Query protocol). */
export type Service = "sts" | "iam" | "ec2";

export const SERVICES: readonly Service[] = ["sts", "iam", "ec2"];

/** API version and XML namespace of each service, as the JS SDK v3 and botocore models name them (docs/wire.md, Query protocol). */
export const SERVICE_INFO: Record<Service, { version: string; namespace: string }> = {
  sts: { version: "2011-06-15", namespace: "https://sts.amazonaws.com/doc/2011-06-15/" },
  iam: { version: "2010-05-08", namespace: "https://iam.amazonaws.com/doc/2010-05-08/" },
  ec2: { version: "2016-11-15", namespace: "http://ec2.amazonaws.com/doc/2016-11-15/" },
};

export function isService(value: string): value is Service {
  return (SERVICES as readonly string[]).includes(value);
}

/** Before the signature is read, the Version parameter is the only hint of which envelope the caller expects. */
export function serviceOfVersion(version: string | undefined): Service | undefined {
  return SERVICES.find((s) => SERVICE_INFO[s].version === version);
}

/** Why a request was not authenticated; each service words it its own way. */
export type AuthFailure =
  | { kind: "missing" }
  | { kind: "incomplete"; message: string }
  | { kind: "unknown-key" }
  | { kind: "expired" }
  | { kind: "skew"; message: string }
  | { kind: "signature"; message?: string };

const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/** The error each service answers an authentication failure with (docs/wire.md, Query errors, EC2 DescribeIamInstanceProfileAssociations and SigV4). */
export function authFault(failure: AuthFailure, service: Service): AwsFault {
  const ec2 = service === "ec2";
  switch (failure.kind) {
    case "missing":
      return ec2
        ? new AwsFault("MissingAuthenticationToken", "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.", 403)
        : new AwsFault("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
    case "incomplete":
      return new AwsFault("IncompleteSignature", failure.message, 403);
    case "unknown-key":
      return ec2
        ? new AwsFault("AuthFailure", "AWS was not able to validate the provided access credentials", 401)
        : new AwsFault("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
    case "expired":
      // EC2 answers an expired session with RequestExpired, as it does a stale signature (docs/wire.md, EC2 DescribeIamInstanceProfileAssociations).
      return ec2
        ? new AwsFault("RequestExpired", "Request has expired.", 400)
        : new AwsFault("ExpiredToken", "The security token included in the request is expired", 403);
    case "skew":
      return ec2 ? new AwsFault("RequestExpired", "Request has expired.", 400) : new AwsFault("SignatureDoesNotMatch", failure.message, 403);
    case "signature":
      return new AwsFault("SignatureDoesNotMatch", failure.message ?? SIGNATURE_MISMATCH, 403);
  }
}

/** What a service answers a request it cannot serve with. */
export function invalidAction(service: Service, action: string | undefined): AwsFault {
  if (action === undefined || action === "") return new AwsFault("MissingAction", "The request must contain the parameter Action", 400);
  return service === "ec2"
    ? new AwsFault("InvalidAction", `The action ${action} is not valid for this web service.`, 400)
    : new AwsFault("InvalidAction", `Could not find operation ${action} for version ${SERVICE_INFO[service].version}`, 400);
}

/** A request value out of shape: IAM and STS say ValidationError, EC2 InvalidParameterValue. */
export function invalidValue(service: Service, message: string): AwsFault {
  return new AwsFault(service === "ec2" ? "InvalidParameterValue" : "ValidationError", message, 400);
}

/** An unexpected failure inside the simulator, in the service's own words. */
export function internalFault(service: Service): AwsFault {
  if (service === "ec2") return new AwsFault("InternalError", "An internal error has occurred", 500);
  if (service === "iam") return new AwsFault("ServiceFailure", "An internal error has occurred", 500);
  return new AwsFault("InternalFailure", "An internal error has occurred", 500);
}
