import { afterEach, describe, expect, it } from "vitest";
import type { Fault } from "../../src/sim/index.js";
import { Field, MINUTE, openKinds, SECOND } from "../support/field.js";

/**
 * IMDS's own verdicts watched by the daemon on a fake clock (docs/contract.md, Drift kinds): one
 * drift-detected while IMDS shows it, however many polls see it, and a drift-resolved once IMDS
 * serves one role's credentials again.
 */
const POLL = 15 * SECOND;

let field: Field;
afterEach(() => field.close());

const driftOf = (e: { rolewatch?: Record<string, unknown> }) => e.rolewatch?.drift as { kind: string; detail?: string };
const transitions = (kind: string) => [
  field.events("drift-detected").filter((e) => driftOf(e).kind === kind),
  field.events("drift-resolved").filter((e) => driftOf(e).kind === kind),
];

const CASES: [string, Fault, string, string][] = [
  ["a credentials document with Code AssumeRoleUnauthorizedAccess", { kind: "credentials-code", code: "AssumeRoleUnauthorizedAccess" }, "credentials_unavailable", "IMDS serves no credentials for RedRole: AssumeRoleUnauthorizedAccess"],
  ["a credentials document with Code InstanceProfileNotFound", { kind: "credentials-code", code: "InstanceProfileNotFound" }, "credentials_unavailable", "IMDS serves no credentials for RedRole: InstanceProfileNotFound"],
  ["a credentials document with a Code no document names", { kind: "credentials-code", code: "RoleNotFound" }, "credentials_unavailable", "IMDS serves no credentials for RedRole: RoleNotFound (EC2 could not get credentials for the role; the role may no longer exist)"],
  ["two roles listed", { kind: "extra-roles", roles: ["BlueRole"] }, "identity_mismatch", "IMDS lists 2 roles (RedRole, BlueRole)"],
];

describe("IMDS's own verdicts, watched", () => {
  it.each(CASES)("%s: one drift-detected, then resolved when IMDS serves credentials again", async (_name, fault, kind, detail) => {
    field = await Field.start();
    await field.run(MINUTE);
    const key = field.last?.imds.accessKeyId;
    field.sim.setFault(fault);
    const took = await field.until((r) => openKinds(r).includes(kind), POLL);
    expect(took).toBeLessThanOrEqual(POLL);
    expect(openKinds(field.last!)).toEqual([kind]);
    await field.run(10 * MINUTE); // STS and the control plane come due: still the one drift
    expect(openKinds(field.last!)).toEqual([kind]);
    field.sim.clearFaults();
    await field.until((r) => openKinds(r).length === 0, POLL);
    const [detected, resolved] = transitions(kind);
    expect(detected).toHaveLength(1);
    expect(driftOf(detected![0]!).detail).toContain(detail);
    expect(resolved).toHaveLength(1);
    expect(field.events("drift-detected")).toHaveLength(1);
    expect(field.last?.imds.accessKeyId).toBe(key);
    expect(field.last?.status).toBe("ok");
  });
});
