import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { DRIFT_KINDS, type DriftKind } from "../../src/drift/kinds.js";
import type { Observation } from "../../src/drift/observation.js";
import { emptyState } from "../../src/drift/state.js";
import { transition } from "../../src/drift/transition.js";
import { createEvents } from "../../src/observe/events.js";
import { BLUE, healthyAt, PROFILE_ARN, PROFILE_ID_AGAIN, RED } from "./observations.js";

const T0 = Date.parse("2026-11-29T10:00:00Z");
const healthy = healthyAt;

type Tweak = (o: Observation) => void;
const served = (o: Observation, role: string, key: string) => {
  if (o.imds.state === "ok") Object.assign(o.imds.value, { role, accessKeyId: key });
  if (o.sts.state === "ok" && o.sts.value.outcome === "accepted") Object.assign(o.sts.value, { role, roleId: BLUE.id });
};
const holds = (o: Observation, ...roles: (typeof RED)[]) => void (o.profile = { state: "ok", value: { name: "MyInPr", roles } });

/** Each kind: how it showed, and the observation 54 minutes later that ends it. */
const CASES: [DriftKind, Tweak, Tweak][] = [
  ["profile_role_mismatch", (o) => holds(o, BLUE), (o) => (holds(o, BLUE), served(o, "BlueRole", "ASIAKEY2"))],
  ["profile_empty", (o) => holds(o), () => {}],
  ["role_recreated", (o) => holds(o, { name: "RedRole", id: "AROARED00000000000002" }), () => {}],
  ["identity_mismatch", (o) => void (o.sts.state === "ok" && Object.assign(o.sts.value, { account: "999999999999" })), () => {}],
  ["association_mismatch", (o) => void (o.association = { state: "ok", value: { associationId: "iip-assoc-1", arn: PROFILE_ARN, state: "associating" } }), () => {}],
  ["credentials_rejected", (o) => void (o.sts = { state: "ok", value: { outcome: "rejected", code: "InvalidClientTokenId" } }), () => {}],
  ["credentials_expiring", (o) => void (o.imds.state === "ok" && (o.imds.value.expiration = o.at + 4 * 60_000)), () => {}],
  ["profile_missing", (o) => void (o.profile = { state: "ok", value: { name: "MyInPr", roles: [], missing: true } }), () => {}],
  ["profile_recreated", (o) => void (o.profile = { state: "ok", value: { name: "MyInPr", id: PROFILE_ID_AGAIN, roles: [RED] } }), (o) => {
    o.profile = { state: "ok", value: { name: "MyInPr", id: PROFILE_ID_AGAIN, roles: [RED] } };
    if (o.imds.state === "ok") o.imds.value.profileId = PROFILE_ID_AGAIN;
    if (o.association.state === "ok" && o.association.value) o.association.value.profileId = PROFILE_ID_AGAIN;
  }],
  ["credentials_revoked", (o) => void (o.revocation = { state: "ok", value: { by: "policy", role: "RedRole", revokedBefore: o.at - 60_000 } }), (o) => {
    o.revocation = { state: "ok", value: { by: "policy", role: "RedRole", revokedBefore: T0 - 60_000 } };
    if (o.imds.state === "ok") Object.assign(o.imds.value, { accessKeyId: "ASIAKEY2", lastUpdated: o.at - 60_000 });
  }],
  ["credentials_unavailable", (o) => void (o.imds.state === "ok" && Object.assign(o.imds.value, { accessKeyId: null, expiration: null, unavailableCode: "AssumeRoleUnauthorizedAccess" }), (o.sts = { state: "unknown" })), () => {}],
];

/** identity_mismatch from a second role listed in IMDS, beside the one from STS above. */
const TWO_ROLES: Tweak = (o) => void (o.imds.state === "ok" && (o.imds.value.otherRoles = ["BlueRole"]));

describe("a drift-resolved event", () => {
  it("is shown below for every kind", () => {
    expect(CASES.map(([kind]) => kind).sort()).toEqual([...DRIFT_KINDS].sort());
  });

  it("of identity_mismatch from two roles listed says IMDS lists one now", () => {
    const shown = healthy(T0);
    TWO_ROLES(shown);
    const opened = transition(emptyState(), shown, T0);
    const [resolved] = transition(opened.state, healthy(T0 + 60_000), T0 + 60_000).events;
    expect(resolved).toMatchObject({ kind: "identity_mismatch", resolution: "IMDS lists one role (RedRole); STS names RedRole in account 111122223333 for i-0d4c8f2b7a91e3c56, as IMDS and the instance say" });
  });

  it.each(CASES)("of %s says what is true once it ended, and keeps what was seen in detail", async (kind, drift, end) => {
    const shown = healthy(T0);
    drift(shown);
    const opened = transition(emptyState(), shown, T0);
    expect(opened.events.map((e) => e.kind)).toEqual([kind]);
    const later = healthy(T0 + 54 * 60_000);
    end(later);
    const [resolved] = transition(opened.state, later, later.at).events;
    if (resolved?.type !== "resolved") throw new Error(`${kind} did not resolve`);
    const lines: string[] = [];
    const events = createEvents({ clock: new ManualClock(later.at), version: "test", destination: { write: (s: string) => void lines.push(s) } });
    events.driftResolved(resolved);
    const line = JSON.parse(lines[0] ?? "{}") as { message: string; rolewatch: { drift: { detail: string; resolution: string } } };
    expect(line.rolewatch.drift.detail).toBe(opened.events[0]?.detail);
    await expect(`${line.message}\n`).toMatchFileSnapshot(`golden/resolved-${kind}.txt`);
  });

  it("of any kind, once IMDS serves no credentials, says so", () => {
    const shown = healthy(T0);
    holds(shown, BLUE);
    const opened = transition(emptyState(), shown, T0);
    const gone = healthy(T0 + 6 * 3600_000);
    if (gone.imds.state === "ok") Object.assign(gone.imds.value, { role: null, accessKeyId: null, expiration: null });
    gone.sts = { state: "unknown" };
    const [resolved] = transition(opened.state, gone, gone.at).events;
    expect(resolved).toMatchObject({ type: "resolved", kind: "profile_role_mismatch", resolution: "IMDS serves no credentials any more" });
  });
});
