/** Raw HTTP against a simulator: the path goes on the wire as written (no URL normalisation), no connection reuse. */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { ManualClock } from "../../src/clock.js";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../src/sim/index.js";

export interface RawResponse {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  /** Header names as sent, capitalisation kept: [name, value, name, value, ...]. */
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | undefined;
  /** Socket timeout in ms; the request fails with "timeout" when it passes. */
  timeout?: number;
}

export function raw(baseUrl: string, path: string, options: RawRequest = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? "", headers: res.headers, rawHeaders: res.rawHeaders, body, text: body.toString("utf8") });
      });
    });
    if (options.timeout !== undefined) req.setTimeout(options.timeout, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(options.body);
  });
}

export async function putToken(sim: Simulator, ttl = "21600"): Promise<string> {
  const res = await raw(sim.imdsUrl, "/latest/api/token", { method: "PUT", headers: { "X-aws-ec2-metadata-token-ttl-seconds": ttl } });
  if (res.status !== 200) throw new Error(`token PUT answered ${res.status}`);
  return res.text;
}

/** A read with a fresh token. */
export async function read(sim: Simulator, path: string, method = "GET"): Promise<RawResponse> {
  const token = await putToken(sim);
  return raw(sim.imdsUrl, path, { method, headers: { "X-aws-ec2-metadata-token": token } });
}

export function control(sim: Simulator, method: string, path: string, body?: unknown): Promise<RawResponse> {
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return raw(sim.imdsUrl, `/rolewatch-sim/${path}`, { method, body: text, headers: text ? { "Content-Type": "application/json" } : {} });
}

/** The instant every simulator test starts at; whole seconds, so served timestamps are exact. */
export const SIM_START = "2026-11-29T08:00:00Z";

export async function startOnManualClock(options: SimulatorOptions = {}): Promise<{ sim: Simulator; clock: ManualClock }> {
  const clock = new ManualClock(SIM_START);
  return { sim: await startSimulator({ clock, ...options }), clock };
}
