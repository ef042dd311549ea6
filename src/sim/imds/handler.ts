import type { IncomingMessage, ServerResponse } from "node:http";
import { systemClock } from "../../clock.js";
import type { ClockSkew } from "../skew.js";
import type { Fault, FaultSet } from "./faults.js";
import { answer, html, type Answer, type ImdsState } from "./protocol.js";
import { withVerdicts } from "./verdicts.js";

export interface ImdsHandlerContext extends ImdsState {
  faults: FaultSet;
  /** Aborted when the simulator closes, so that no delayed answer holds it open. */
  closing: AbortSignal;
  /** The clock fault: moves the Date header. */
  skew: ClockSkew;
}

const REASONS: Record<Extract<Fault, { kind: "status" }>["status"], string> = {
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** One IMDS request: faults first, then the protocol, then faults that spoil the body. */
export async function handleImds(ctx: ImdsHandlerContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { faults, counters } = ctx;
  counters.requests++;
  req.resume();
  if (faults.take("disabled", path)) return fault(ctx, res, html(403, "Forbidden"));
  if (faults.take("reset", path)) {
    counters.faulted++;
    return void req.socket.resetAndDestroy();
  }
  const delay = faults.take("delay", path);
  if (delay) {
    counters.faulted++;
    // Real time on purpose: the client's socket timeout that this exercises runs on real time.
    const slept = await systemClock.sleep(delay.ms, ctx.closing).then(() => true, () => false);
    if (!slept) return void req.socket.resetAndDestroy();
  }
  const status = faults.take("status", path);
  if (status) return fault(ctx, res, html(status.status, REASONS[status.status]));
  const result = answer(ctx, { method: req.method ?? "GET", path, headers: req.headers });
  const judged = withVerdicts(ctx.faults, path, result, ctx.world.clock.now());
  if (judged !== result) ctx.counters.faulted++;
  send(ctx, res, spoil(ctx, path, judged));
}

function fault(ctx: ImdsHandlerContext, res: ServerResponse, result: Answer): void {
  ctx.counters.faulted++;
  send(ctx, res, result);
}

/** Malformed and oversized faults act on successful answers only; malformed on JSON documents only. */
function spoil(ctx: ImdsHandlerContext, path: string, result: Answer): Answer {
  if (result.status !== 200) return result;
  let body = result.body;
  if (body.startsWith("{") && ctx.faults.take("malformed", path)) {
    ctx.counters.faulted++;
    body = body.slice(0, Math.floor(body.length / 2));
  }
  const oversized = ctx.faults.take("oversized", path);
  if (oversized) {
    ctx.counters.faulted++;
    body = body.length >= oversized.bytes ? body.slice(0, oversized.bytes) : body + " ".repeat(oversized.bytes - body.length);
  }
  return body === result.body ? result : { ...result, body };
}

/** Headers real IMDS sends on every answer (docs/wire.md, IMDSv2 token and IMDS reads); Date on the simulator's clock, moved by any clock fault. */
function send(ctx: ImdsHandlerContext, res: ServerResponse, result: Answer): void {
  ctx.counters.answered(result.status);
  const body = Buffer.from(result.body, "utf8");
  res.sendDate = false;
  const headers: Record<string, string> = {
    ...result.headers,
    "Content-Type": result.contentType,
    ...(result.status === 200 ? { "Accept-Ranges": "none" } : {}),
    "Content-Length": String(body.length),
    Date: new Date(ctx.skew.shifted(ctx.world.clock).now()).toUTCString(),
    Server: "EC2ws",
    Connection: "close",
  };
  if (result.reason === undefined) res.writeHead(result.status, headers);
  else res.writeHead(result.status, result.reason, headers);
  res.end(body);
}
