import type { StsIdentity } from "./arn.js";
import type { Classified, FailureKind } from "./classify.js";
import type { AssociationView, InstanceProfileView, RevocationView } from "./parse.js";
import type { Dated } from "./query.js";

/**
 * What one source says, as of one observation. `fresh`: read in this
 * observation; the drift engine decides drifts from fresh views only, and a
 * source that could not be read keeps the drift state it feeds.
 */
export type View<T> =
  | { state: "never" }
  | { state: "ok"; value: T; at: number; fresh: boolean }
  | {
      state: "failed";
      kind: FailureKind;
      code: string;
      status?: number;
      /** Free of secrets (src/aws/redact.ts). */
      message: string;
      at: number;
      fresh: boolean;
      /** The last good value, if there was one. */
      last?: T;
    };

export interface AwsViews {
  sts: View<StsIdentity>;
  /** "never" also when IMDS names no instance profile: there is nothing to look up. */
  profile: View<InstanceProfileView>;
  /** null value: the instance has no association. "disabled": not asked (config). */
  association: View<AssociationView | null> | "disabled";
  /** The served role's AWSRevokeOlderSessions, read by a monitoring principal; "disabled": there is none. */
  revocation: View<RevocationView> | "disabled";
  /** Who signs IAM and EC2: the served credentials, or a monitoring principal (controlPlane.credentials). */
  controlPlaneSigner: "served" | "monitor";
  /** The Date of the last answer that carried one, beside when it came: the host clock against AWS's. */
  dated: Dated | null;
}

export function succeeded<T>(value: T, at: number): View<T> {
  return { state: "ok", value, at, fresh: true };
}

export function failed<T>(previous: View<T>, failure: Classified, at: number): View<T> {
  const last = previous.state === "ok" ? previous.value : previous.state === "failed" ? previous.last : undefined;
  return { state: "failed", ...failure, at, fresh: true, ...(last === undefined ? {} : { last }) };
}

export function stale<T>(view: View<T>): View<T> {
  return view.state === "never" || !view.fresh ? view : { ...view, fresh: false };
}
