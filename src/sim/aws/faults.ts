import { AwsFault, type Caller } from "../plane/control-plane.js";
import { object, onlyKeys, optionalInteger, optionalString, Problems, SimInputError } from "../scenario/validate.js";
import type { Params } from "./params.js";
import { SERVICES, type Service } from "./protocol.js";

/**
 * Failures the API port can be made to show (docs/contract.md, Simulator admin paths), so
 * that a client's backoff and its "denied" health state can be rehearsed.
 * Both act on authenticated requests only: a bad signature is still refused as such.
 */
export interface ApiFault {
  service: Service;
  /** throttle: Throttling 400 (STS, IAM) or RequestLimitExceeded 503 (EC2); denied: AccessDenied or UnauthorizedOperation 403. */
  kind: ApiFaultKind;
  /** Only this action (e.g. "GetInstanceProfile"); absent: every action of the service. */
  action?: string;
  /** How many requests the fault answers before it clears itself; absent: until cleared. */
  count?: number;
}

export type ApiFaultKind = "throttle" | "denied";

const KINDS: readonly ApiFaultKind[] = ["throttle", "denied"];

/** Checks an untrusted fault description (a control-path body); throws SimInputError naming every problem. */
export function parseApiFault(value: unknown): ApiFault {
  const problems = new Problems();
  const obj = object(value, "api fault", problems);
  if (!obj) throw new SimInputError(`invalid api fault: ${problems.list.join("; ")}`);
  onlyKeys(obj, ["service", "kind", "action", "count"], "api fault", problems);
  for (const key of ["service", "kind"]) if (obj[key] === undefined) problems.add(`api fault.${key}`, "is required");
  const service = optionalString(obj, "service", "api fault", problems, { oneOf: SERVICES }) as Service | undefined;
  const kind = optionalString(obj, "kind", "api fault", problems, { oneOf: KINDS }) as ApiFaultKind | undefined;
  const action = optionalString(obj, "action", "api fault", problems, { pattern: /^[A-Z][A-Za-z0-9]+$/, hint: "an action name such as GetInstanceProfile" });
  const count = optionalInteger(obj, "count", "api fault", problems, 1, Number.MAX_SAFE_INTEGER);
  if (service === "sts" && kind === "denied") {
    // "No permissions are required to perform this operation" (docs/wire.md, STS GetCallerIdentity): no policy can deny it.
    problems.add("api fault.kind", "denied cannot apply to sts: GetCallerIdentity succeeds even under an explicit deny");
  }
  if (!problems.ok || !service || !kind) throw new SimInputError(`invalid api fault: ${problems.list.join("; ")}`);
  return { service, kind, ...(action === undefined ? {} : { action }), ...(count === undefined ? {} : { count }) };
}

/** The faults switched on. One per service, kind and action: setting another replaces it. */
export class ApiFaultSet {
  #active: ApiFault[] = [];

  set(fault: ApiFault): void {
    const fresh = parseApiFault(fault);
    this.#active = this.#active.filter((f) => f.service !== fresh.service || f.kind !== fresh.kind || f.action !== fresh.action);
    this.#active.push(fresh);
  }

  clear(): void {
    this.#active = [];
  }

  list(): ApiFault[] {
    return this.#active.map((f) => ({ ...f }));
  }

  /** The first fault matching the request, spending one of its count. */
  take(service: Service, action: string): ApiFault | undefined {
    const fault = this.#active.find((f) => f.service === service && (f.action === undefined || f.action === action));
    if (fault?.count !== undefined && --fault.count <= 0) this.#active = this.#active.filter((f) => f !== fault);
    return fault && { ...fault };
  }
}

/** The error the fault answers with, worded as the service words it (docs/wire.md, Query errors and EC2 DescribeIamInstanceProfileAssociations). */
export function faultError(fault: ApiFault, action: string, caller: Caller, params: Params): AwsFault {
  const ec2 = fault.service === "ec2";
  if (fault.kind === "throttle") {
    return ec2 ? new AwsFault("RequestLimitExceeded", "Request limit exceeded.", 503) : new AwsFault("Throttling", "Rate exceeded", 400);
  }
  // parseApiFault refuses denied for sts, which no policy can deny.
  return accessDenied(fault.service === "sts" ? "iam" : fault.service, action, caller, params, "implicit");
}

/**
 * IAM's AccessDenied and EC2's UnauthorizedOperation, 403, worded as they word
 * them (docs/wire.md, Query errors and Revoked sessions): "implicit" when no
 * policy allows the action, "explicit" when a policy denies it. EC2 may append
 * an encoded authorization failure message; the simulator does not.
 */
export function accessDenied(service: Exclude<Service, "sts">, action: string, caller: Caller, params: Params, deny: "implicit" | "explicit"): AwsFault {
  const permission = `${service}:${action}`;
  const because = deny === "explicit" ? "with an explicit deny in an identity-based policy" : `because no identity-based policy allows the ${permission} action`;
  if (service === "ec2") {
    return new AwsFault("UnauthorizedOperation", `You are not authorized to perform this operation. User: ${caller.arn} is not authorized to perform: ${permission} ${because}`, 403);
  }
  return new AwsFault("AccessDenied", `User: ${caller.arn} is not authorized to perform: ${permission} on resource: ${iamResource(params)} ${because}`, 403);
}

/** How IAM names the resource in AccessDenied: "instance profile my-profile", "role my-role" (docs/wire.md, Query errors). */
function iamResource(params: Params): string {
  const profile = params.get("InstanceProfileName");
  if (profile !== undefined) return `instance profile ${profile}`;
  const role = params.get("RoleName");
  return role === undefined ? "*" : `role ${role}`;
}
