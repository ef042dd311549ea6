import { renameSync, writeFileSync } from "node:fs";
import type { Simulator } from "./simulator.js";

/**
 * What `rolewatch sim` prints first: one JSON object on one line
 * (docs/contract.md, Simulator ports and Simulator fleet). `imds` is always
 * the exported instance's IMDS, so a reader of one instance works on a fleet
 * unchanged; a fleet adds `instances`, every instance's IMDS by instance id.
 */
export interface EndpointsLine {
  imds: string;
  aws: string;
  backend?: string;
  /** With more than one IMDS listener: instance id to IMDS URL, the exported instance first. */
  instances?: Record<string, string>;
}

export function endpointsLine(sim: Simulator, backend?: string): EndpointsLine {
  const line: EndpointsLine = { imds: sim.imdsUrl, aws: sim.awsUrl };
  if (backend !== undefined) line.backend = backend;
  if (sim.endpoints.length > 1) line.instances = Object.fromEntries(sim.endpoints.map((e) => [e.instanceId, e.imdsUrl]));
  return line;
}

/**
 * The same object with `instances` always present, written to a file (for
 * `jq` and scripts) before the first line is printed, so that a reader
 * waiting for that line finds the file whole: written aside, then renamed.
 */
export function writeEndpointsFile(file: string, sim: Simulator, backend?: string): void {
  const all = { ...endpointsLine(sim, backend), instances: Object.fromEntries(sim.endpoints.map((e) => [e.instanceId, e.imdsUrl])) };
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o644 });
  renameSync(aside, file);
}
