import { describe, expect, it } from "vitest";
import { CONTROL_PLANE_DRIFTS, withoutControlPlaneDrifts } from "../../src/agent/fleet.js";
import { CONDITIONS } from "../../src/drift/conditions.js";
import { DRIFT_KINDS } from "../../src/drift/kinds.js";
import type { Observation } from "../../src/drift/observation.js";
import { emptyState } from "../../src/drift/state.js";
import { BLUE, healthyAt, PROFILE_ARN } from "../drift/observations.js";

/** The control plane's answers that make each kind show, so that each can be decided. */
const SHOWING: Observation[] = [
  { ...healthyAt(0), profile: { state: "ok", value: { name: "MyInPr", roles: [BLUE] } } },
  { ...healthyAt(0), profile: { state: "ok", value: { name: "MyInPr", roles: [] } } },
  { ...healthyAt(0), profile: { state: "ok", value: { name: "MyInPr", roles: [{ name: "RedRole", id: "AROAOTHER000000000001" }] } } },
  { ...healthyAt(0), association: { state: "ok", value: { associationId: "iip-assoc-0123456789abcdef0", arn: PROFILE_ARN.replace("MyInPr", "Other"), state: "associated" } } },
  { ...healthyAt(0), revocation: { state: "ok", value: { by: "deny", denied: { api: "iam", code: "AccessDenied" } } } },
];

describe("the drifts fleet mode leaves to the account exporter", () => {
  it("are exactly those the conditions cannot decide without IAM and EC2, though they can with them", () => {
    // What fleet mode's fold sees: neither IAM nor EC2 is read, so nothing is known of revoked sessions either.
    const blind: Observation = { ...healthyAt(0), profile: { state: "unknown" }, association: { state: "unknown" }, revocation: { state: "unknown" } };
    const memory = { servedRoleId: null };
    const controlPlaneOnly = DRIFT_KINDS.filter((kind) =>
      CONDITIONS[kind](blind, memory) === null && [healthyAt(0), ...SHOWING].some((o) => CONDITIONS[kind](o, memory) !== null));
    expect([...CONTROL_PLANE_DRIFTS].sort()).toEqual(controlPlaneOnly.sort());
  });

  it("are dropped from a restored state, each named with its start, and the others kept", () => {
    const state = { ...emptyState(), open: { profile_empty: { since: 1, detail: "holds no role" }, credentials_expiring: { since: 2, detail: "soon" } } };
    const { state: kept, dropped } = withoutControlPlaneDrifts(state);
    expect(Object.keys(kept.open)).toEqual(["credentials_expiring"]);
    expect(dropped).toEqual([{ kind: "profile_empty", severity: "critical", since: 1, detail: "holds no role" }]);
  });
});
