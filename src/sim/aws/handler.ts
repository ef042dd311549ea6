import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../../clock.js";
import { AwsFault } from "../plane/control-plane.js";
import { readBody } from "../http.js";
import { SimInputError } from "../scenario/validate.js";
import type { ActionTable } from "./actions.js";
import { authenticate, type AuthContext } from "./authenticate.js";
import { ec2Actions } from "./ec2.js";
import { accessDenied, faultError, type ApiFaultSet } from "./faults.js";
import { iamActions } from "./iam.js";
import { Params } from "./params.js";
import { authFault, internalFault, invalidAction, invalidValue, serviceOfVersion, type Service } from "./protocol.js";
import type { ApiCounters } from "./stats.js";
import { stsActions } from "./sts.js";
import { ec2Response, errorResponse, queryResponse } from "./xml.js";

export interface AwsHandlerContext extends AuthContext {
  /** The world's clock, moved by any clock fault: the Date header, which the JS SDK corrects its clock skew from. */
  clock: Clock;
  faults: ApiFaultSet;
  counters: ApiCounters;
}

const ACTIONS: Record<Service, ActionTable> = { sts: stsActions, iam: iamActions, ec2: ec2Actions };

/** Query bodies are small; a larger one is refused rather than buffered. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Where a request got to: the envelope of an error depends on the service, the counters on the action. */
interface Progress {
  service: Service;
  action?: string;
}

/** One API request: authenticate, then faults, then the action; every answer is XML in the service's envelope. */
export async function handleAws(ctx: AwsHandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.counters.requests++;
  const requestId = randomUUID();
  const progress: Progress = { service: "sts" };
  let status = 200;
  let body: string;
  try {
    body = await serve(ctx, req, progress, requestId);
  } catch (error) {
    const fault = asFault(error, progress.service);
    ctx.counters.error(fault.code);
    status = fault.status;
    body = errorResponse(progress.service, fault, requestId);
  }
  if (progress.action !== undefined) ctx.counters.call(progress.service, progress.action);
  send(ctx, res, progress.service, status, body, requestId);
}

async function serve(ctx: AwsHandlerContext, req: IncomingMessage, progress: Progress, requestId: string): Promise<string> {
  const text = await readBody(req, MAX_BODY_BYTES);
  const url = req.url ?? "/";
  const sources = [url.includes("?") ? url.slice(url.indexOf("?") + 1) : "", req.method === "POST" ? text : ""];
  progress.service = serviceOfVersion(Params.peek(sources, "Version")) ?? "sts";
  const action = Params.peek(sources, "Action");
  if (action !== undefined) progress.action = action;
  const auth = await authenticate(ctx, { method: req.method ?? "GET", url, headers: req.headers, body: text }, progress.service);
  const service = (progress.service = auth.service);
  if ("failure" in auth) throw authFault(auth.failure, service);
  const table = ACTIONS[service];
  const run = action !== undefined && Object.hasOwn(table, action) ? table[action] : undefined;
  if (action === undefined || !run) throw invalidAction(service, action);
  const params = new Params(service, sources);
  const fault = ctx.faults.take(service, action);
  if (fault) {
    ctx.counters.faulted++;
    throw faultError(fault, action, auth.caller, params);
  }
  // A revoked session (docs/wire.md, Revoked sessions): every IAM and EC2 action is denied; GetCallerIdentity cannot be.
  if (auth.caller.explicitDeny && service !== "sts") throw accessDenied(service, action, auth.caller, params, "explicit");
  const listed = (items: number) => ctx.counters.page(service, action, items);
  const result = run({ params, caller: auth.caller, plane: ctx.plane, listed });
  return service === "ec2" ? ec2Response(action, result, requestId) : queryResponse(service, action, result, requestId);
}

/** An AwsFault as it is; the world's refusal of a bad input as a client error; anything else as the service's 500. */
function asFault(error: unknown, service: Service): AwsFault {
  if (error instanceof AwsFault) return error;
  if (error instanceof SimInputError) return invalidValue(service, error.message);
  const fault = internalFault(service);
  // The cause is the simulator's own, never a secret; saying it makes a simulator bug quick to find.
  return new AwsFault(fault.code, `${fault.message} (simulator: ${error instanceof Error ? error.message : String(error)})`, fault.status);
}

function send(ctx: AwsHandlerContext, res: ServerResponse, service: Service, status: number, body: string, requestId: string): void {
  const bytes = Buffer.from(body, "utf8");
  res.sendDate = false;
  res.writeHead(status, {
    "Content-Type": service === "ec2" ? "text/xml;charset=UTF-8" : "text/xml",
    "Content-Length": String(bytes.length),
    "x-amzn-RequestId": requestId,
    Date: new Date(ctx.clock.now()).toUTCString(),
  });
  res.end(bytes);
}
