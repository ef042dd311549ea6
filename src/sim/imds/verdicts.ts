import { isoSeconds } from "../../clock.js";
import type { ScenarioImds } from "../scenario/scenario.js";
import type { FaultSet } from "./faults.js";
import type { VerdictFault } from "./verdict-parse.js";
import { awsJson } from "./pages.js";
import type { Answer } from "./protocol.js";

/**
 * IMDS's own verdicts (docs/wire.md, Credentials document): the role's
 * document with a Code other than Success and no keys, as EC2 serves it when it
 * cannot assume the role; and more than one role listed, which EC2 never does.
 * They are faults, so they are set, listed and cleared like the others
 * (docs/contract.md, Simulator admin paths); a scenario's `imds` sets them at start.
 */

const LISTING = /^\/latest\/meta-data\/iam\/security-credentials\/?$/;
const DOCUMENT = /^\/latest\/meta-data\/iam\/security-credentials(-extended)?\/[^/]+$/;

/** The faults a scenario's `imds` sets at start, without a count: until cleared. */
export function scenarioVerdicts(imds: ScenarioImds | undefined): VerdictFault[] {
  const faults: VerdictFault[] = [];
  if (imds?.credentialsCode !== undefined) faults.push({ kind: "credentials-code", code: imds.credentialsCode });
  if (imds?.extraRoles !== undefined) faults.push({ kind: "extra-roles", roles: [...imds.extraRoles] });
  return faults;
}

/** The answer with a verdict applied: extra lines on the listing, or the role's document replaced. */
export function withVerdicts(faults: FaultSet, path: string, result: Answer, now: number): Answer {
  if (result.status !== 200) return result;
  const extra = LISTING.test(path) ? faults.take("extra-roles", path) : undefined;
  if (extra) return { ...result, body: [result.body, ...extra.roles].join("\n") };
  const code = DOCUMENT.test(path) ? faults.take("credentials-code", path) : undefined;
  if (code) return { ...result, body: awsJson({ Code: code.code, LastUpdated: isoSeconds(now), Message: `EC2 could not get credentials for the role (simulated ${code.code})` }) };
  return result;
}
