import { describe, expect, it } from "vitest";
import type { DriftKind } from "../../src/drift/kinds.js";
import type { Observation } from "../../src/drift/observation.js";
import { emptyState, type DriftState } from "../../src/drift/state.js";
import { openDrifts, transition } from "../../src/drift/transition.js";
import { BLUE, healthyAt, PROFILE_ARN, PROFILE_ID, PROFILE_ID_AGAIN, RED, RED_AGAIN } from "./observations.js";

const NOW = Date.parse("2026-11-29T10:00:00Z");

/** A healthy instance: IMDS serves RedRole, STS agrees, the profile holds RedRole, EC2 associates MyInPr. */
const healthy = () => healthyAt(NOW);

type Tweak = (o: Observation) => void;
const unknown = { state: "unknown" } as const;
const imds = (o: Observation) => (o.imds.state === "ok" ? o.imds.value : (() => { throw new Error("imds unknown"); })());
/** IAM answers NoSuchEntity for the profile iam/info names. */
const deleted: Tweak = (o) => { o.profile = { state: "ok", value: { name: "MyInPr", roles: [], missing: true } }; };
/** The served credentials' own IAM read is denied explicitly, as AWSRevokeOlderSessions denies it. */
const explicitDeny: Tweak = (o) => { o.revocation = { state: "ok", value: { by: "deny", denied: { api: "iam", code: "AccessDenied" } } }; };
/** A monitoring principal reads RedRole's AWSRevokeOlderSessions, revoking sessions issued before `before` (the served ones were issued an hour ago). */
const revokedBefore = (before: number | null, role = "RedRole"): Tweak => (o) => { o.revocation = { state: "ok", value: { by: "policy", role, revokedBefore: before } }; };
/** The profile of that name exists again, with another id, holding the same role. */
const recreated: Tweak = (o) => { o.profile = { state: "ok", value: { name: "MyInPr", id: PROFILE_ID_AGAIN, roles: [RED] } }; };

/** Every drift kind against every relevant observation; the expected open drifts from an empty state. */
const TABLE: [string, Tweak, DriftKind[]][] = [
  ["a healthy instance shows no drift", () => {}, []],
  ["S3 swap: the profile holds BlueRole, IMDS still serves RedRole", (o) => { o.profile = { state: "ok", value: { name: "MyInPr", roles: [BLUE] } }; }, ["profile_role_mismatch"]],
  ["S3 swap seen through IMDS only (STS unknown)", (o) => { o.sts = unknown; o.profile = { state: "ok", value: { name: "MyInPr", roles: [BLUE] } }; }, ["profile_role_mismatch"]],
  ["S1 removal: the profile holds no role, IMDS serves credentials", (o) => { o.profile = { state: "ok", value: { name: "MyInPr", roles: [] } }; }, ["profile_empty"]],
  ["S1 after expiry: the profile holds no role and IMDS serves none", (o) => { o.profile = { state: "ok", value: { name: "MyInPr", roles: [] } }; Object.assign(imds(o), { role: null, accessKeyId: null, expiration: null }); o.sts = unknown; }, []],
  ["S6 re-created role: same name, another RoleId in the profile", (o) => { o.profile = { state: "ok", value: { name: "MyInPr", roles: [RED_AGAIN] } }; }, ["role_recreated"]],
  ["S5 deleted role: STS rejects the served credentials", (o) => { o.sts = { state: "ok", value: { outcome: "rejected", code: "InvalidClientTokenId" } }; }, ["credentials_rejected"]],
  ["a spoofed IMDS: STS names another role than IMDS", (o) => { o.sts = { state: "ok", value: { outcome: "accepted", role: "Attacker", roleId: "AROAATTACKER000000001", account: "111122223333", session: "i-0d4c8f2b7a91e3c56" } }; o.profile = { state: "ok", value: { name: "MyInPr", roles: [RED, { name: "Attacker", id: "AROAATTACKER000000001" }] } }; }, ["identity_mismatch"]],
  ["credentials of another instance: the session is not this instance's id", (o) => { Object.assign(o.sts.state === "ok" ? o.sts.value : {}, { session: "i-0ffffffffffffffff" }); }, ["identity_mismatch"]],
  ["credentials of another account", (o) => { Object.assign(o.sts.state === "ok" ? o.sts.value : {}, { account: "999999999999" }); }, ["identity_mismatch"]],
  ["EC2 associates another profile than IMDS reports", (o) => { o.association = { state: "ok", value: { associationId: "iip-assoc-1", arn: "arn:aws:iam::111122223333:instance-profile/Other", state: "associated" } }; }, ["association_mismatch"]],
  ["the association is still associating", (o) => { o.association = { state: "ok", value: { associationId: "iip-assoc-1", arn: PROFILE_ARN, state: "associating" } }; }, ["association_mismatch"]],
  ["EC2 shows no association while IMDS reports a profile", (o) => { o.association = { state: "ok", value: null }; }, ["association_mismatch"]],
  ["no association and no profile in IMDS agree", (o) => { o.association = { state: "ok", value: null }; Object.assign(imds(o), { profileArn: null, role: null, accessKeyId: null, expiration: null }); o.sts = unknown; o.profile = unknown; }, []],
  ["the association check disabled decides nothing", (o) => { o.association = { state: "disabled" }; }, []],
  ["S7 credentials within 5 minutes of expiry, not rotated", (o) => { imds(o).expiration = NOW + 4 * 60_000; }, ["credentials_expiring"]],
  ["S7 credentials past expiry still served", (o) => { imds(o).expiration = NOW - 60_000; }, ["credentials_expiring"]],
  ["S7 credentials 6 minutes from expiry are fine", (o) => { imds(o).expiration = NOW + 6 * 60_000; }, []],
  ["IMDS's own verdict: a Code other than Success and no keys", (o) => { Object.assign(imds(o), { accessKeyId: null, expiration: null, unavailableCode: "AssumeRoleUnauthorizedAccess" }); o.sts = unknown; }, ["credentials_unavailable"]],
  ["IMDS's own verdict seen with the control plane unknown", (o) => { Object.assign(imds(o), { accessKeyId: null, expiration: null, unavailableCode: "Unknown" }); o.sts = unknown; o.profile = unknown; o.association = unknown; }, ["credentials_unavailable"]],
  ["IMDS lists two roles, which no instance profile can hold", (o) => { imds(o).otherRoles = ["BlueRole"]; }, ["identity_mismatch"]],
  ["IMDS lists two roles, STS unknown", (o) => { imds(o).otherRoles = ["BlueRole"]; o.sts = unknown; }, ["identity_mismatch"]],
  ["a deleted profile: IAM has no such profile, which is not one that holds no role", deleted, ["profile_missing"]],
  ["a deleted profile while IMDS serves no credentials", (o) => { deleted(o); Object.assign(imds(o), { role: null, accessKeyId: null, expiration: null }); o.sts = unknown; }, ["profile_missing"]],
  ["a profile deleted and created again, holding the same role", recreated, ["profile_recreated"]],
  ["a re-created profile seen by the association alone (iam/info's id unsaid)", (o) => { recreated(o); delete imds(o).profileId; }, ["profile_recreated"]],
  ["a re-created profile, iam/info and the association already on the new one", (o) => { recreated(o); imds(o).profileId = PROFILE_ID_AGAIN; if (o.association.state === "ok" && o.association.value) o.association.value.profileId = PROFILE_ID_AGAIN; }, []],
  ["an association to another profile says nothing of this one's id", (o) => { o.association = { state: "ok", value: { associationId: "iip-assoc-1", arn: "arn:aws:iam::111122223333:instance-profile/Other", profileId: "AIPAOTHER00000000001", state: "associated" } }; }, ["association_mismatch"]],
  ["revoked sessions, with the served credentials alone: IAM denies them explicitly, STS accepts them", explicitDeny, ["credentials_revoked"]],
  ["an explicit deny of credentials STS rejects is credentials_rejected alone", (o) => { explicitDeny(o); o.sts = { state: "ok", value: { outcome: "rejected", code: "InvalidClientTokenId" } }; }, ["credentials_rejected"]],
  ["revoked sessions, read by a monitoring principal: issued before the revocation", revokedBefore(NOW - 60_000), ["credentials_revoked"]],
  ["a revocation older than the served credentials", revokedBefore(NOW - 2 * 3600_000), []],
  ["revoked at the very time the credentials were issued (DateLessThan is strict)", revokedBefore(NOW - 3600_000), []],
  ["no AWSRevokeOlderSessions on the role", revokedBefore(null), []],
  ["a revocation of another role than IMDS serves decides nothing", revokedBefore(NOW, "BlueRole"), []],
  ["every source unknown decides nothing", (o) => { o.imds = unknown; o.sts = unknown; o.profile = unknown; o.association = unknown; }, []],
];

describe("transition from an empty state", () => {
  it.each(TABLE)("%s", (_name, tweak, expected) => {
    const o = healthy();
    tweak(o);
    const { state, events } = transition(emptyState(), o, NOW);
    expect(Object.keys(state.open).sort()).toEqual([...expected].sort());
    expect(events.map((e) => [e.type, e.kind])).toEqual(expected.map((k) => ["detected", k]).sort(byKind));
  });
});

function byKind(a: string[], b: string[]): number {
  const order = ["profile_role_mismatch", "profile_empty", "role_recreated", "identity_mismatch", "association_mismatch", "credentials_rejected", "credentials_expiring", "credentials_unavailable", "profile_missing", "profile_recreated", "credentials_revoked"];
  return order.indexOf(a[1] ?? "") - order.indexOf(b[1] ?? "");
}

function withOpen(kind: DriftKind, since: number): DriftState {
  return { ...emptyState(), open: { [kind]: { since, detail: "earlier" } }, sts: { accessKeyId: "ASIAKEY1", roleId: RED.id } };
}

/** Missing data keeps each drift as it was: no resolution from a source that cannot be read. */
const KEEPS: [DriftKind, Tweak][] = [
  ["profile_role_mismatch", (o) => { o.profile = unknown; }],
  ["profile_role_mismatch", (o) => { o.imds = unknown; o.sts = unknown; }],
  ["profile_empty", (o) => { o.profile = unknown; }],
  ["profile_empty", (o) => { o.imds = unknown; }],
  ["role_recreated", (o) => { o.profile = unknown; }],
  ["identity_mismatch", (o) => { o.sts = unknown; }],
  ["association_mismatch", (o) => { o.association = unknown; }],
  ["association_mismatch", (o) => { o.imds = unknown; }],
  ["credentials_rejected", (o) => { o.sts = unknown; }],
  ["credentials_expiring", (o) => { o.imds = unknown; }],
  ["credentials_unavailable", (o) => { o.imds = unknown; }],
  ["identity_mismatch", (o) => { o.imds = unknown; }],
  ["profile_missing", (o) => { o.profile = unknown; }],
  ["profile_recreated", (o) => { o.profile = unknown; }],
  ["profile_recreated", (o) => { o.imds = unknown; }],
  ["credentials_revoked", (o) => { o.revocation = unknown; }],
  ["credentials_revoked", (o) => { explicitDeny(o); o.sts = unknown; }],
  ["credentials_revoked", (o) => { revokedBefore(NOW, "BlueRole")(o); }],
  ["credentials_revoked", (o) => { revokedBefore(NOW)(o); delete imds(o).lastUpdated; }],
];

describe("an open drift", () => {
  const since = NOW - 30 * 60_000;

  it.each(KEEPS)("%s is kept, with its start, while its source is unknown (%#)", (kind, tweak) => {
    const o = healthy();
    tweak(o);
    const { state, events } = transition(withOpen(kind, since), o, NOW);
    expect(state.open[kind]?.since).toBe(since);
    expect(events).toEqual([]);
  });

  it.each(TABLE.filter(([, , kinds]) => kinds.length === 1))("stays open with its first start: %s", (_name, tweak, [kind]) => {
    const o = healthy();
    tweak(o);
    const { state, events } = transition(withOpen(kind as DriftKind, since), o, NOW);
    expect(state.open[kind as DriftKind]?.since).toBe(since);
    expect(events).toEqual([]);
  });

  it.each(["profile_role_mismatch", "profile_empty", "role_recreated", "identity_mismatch", "credentials_rejected"] as const)(
    "%s resolves once IMDS serves no credentials, though STS and the control plane are unknown",
    (kind) => {
      const o = healthy();
      Object.assign(imds(o), { role: null, accessKeyId: null, expiration: null });
      o.sts = unknown;
      o.profile = unknown;
      const { state, events } = transition(withOpen(kind, since), o, NOW);
      expect(state.open[kind]).toBeUndefined();
      expect(events.map((e) => e.type)).toEqual(["resolved"]);
    },
  );

  it("resolves on the first observation that no longer shows it, with its duration", () => {
    const { state, events } = transition(withOpen("profile_role_mismatch", since), healthy(), NOW);
    expect(state.open).toEqual({});
    expect(events).toEqual([{ type: "resolved", kind: "profile_role_mismatch", severity: "critical", since, durationSeconds: 1800, detail: "earlier", resolution: "IMDS now serves RedRole, the role instance profile MyInPr holds" }]);
  });
});

describe("IMDS's own verdicts", () => {
  it("name the code and what it means, and the roles listed", () => {
    const o = healthy();
    Object.assign(imds(o), { accessKeyId: null, expiration: null, unavailableCode: "AssumeRoleUnauthorizedAccess", otherRoles: ["BlueRole"] });
    o.sts = unknown;
    const { state } = transition(emptyState(), o, NOW);
    expect(state.open.credentials_unavailable?.detail).toBe("IMDS serves no credentials for RedRole: AssumeRoleUnauthorizedAccess (EC2 may not assume the role: its trust policy does not trust ec2.amazonaws.com)");
    expect(state.open.identity_mismatch?.detail).toBe("IMDS lists 2 roles (RedRole, BlueRole); an instance profile holds at most one");
  });

  it.each(["credentials_unavailable", "identity_mismatch"] as const)("%s resolves when IMDS serves one role's credentials again", (kind) => {
    const { state, events } = transition(withOpen(kind, NOW - 60_000), healthy(), NOW);
    expect(state.open[kind]).toBeUndefined();
    const resolution = {
      credentials_unavailable: "IMDS serves RedRole's credentials again",
      identity_mismatch: "IMDS lists one role (RedRole); STS names RedRole in account 111122223333 for i-0d4c8f2b7a91e3c56, as IMDS and the instance say",
    }[kind];
    expect(events).toEqual([{ type: "resolved", kind, severity: "critical", since: NOW - 60_000, durationSeconds: 60, detail: "earlier", resolution }]);
  });
});

describe("the served session's RoleId", () => {
  it("is remembered, so a re-created role is told apart after STS starts rejecting the deleted role's key", () => {
    const first = transition(emptyState(), healthy(), NOW).state;
    const o = healthy();
    o.sts = { state: "ok", value: { outcome: "rejected", code: "InvalidClientTokenId" } };
    o.profile = { state: "ok", value: { name: "MyInPr", roles: [RED_AGAIN] } };
    const { state } = transition(first, o, NOW + 60_000);
    expect(Object.keys(state.open).sort()).toEqual(["credentials_rejected", "role_recreated"]);
  });

  it("is forgotten when IMDS serves another key", () => {
    const first = transition(emptyState(), healthy(), NOW).state;
    const o = healthy();
    Object.assign(imds(o), { accessKeyId: "ASIAKEY2" });
    o.sts = unknown;
    o.profile = { state: "ok", value: { name: "MyInPr", roles: [RED_AGAIN] } };
    const { state } = transition(first, o, NOW + 60_000);
    expect(state.sts).toBeNull();
    expect(state.open.role_recreated).toBeUndefined();
  });
});

describe("a deleted or re-created instance profile", () => {
  it("names the profile IAM does not have", () => {
    const o = healthy();
    deleted(o);
    const { state } = transition(emptyState(), o, NOW);
    expect(state.open.profile_missing?.detail).toBe("instance profile MyInPr, which iam/info names, does not exist in IAM (NoSuchEntity); IMDS still serves RedRole's credentials");
  });

  it("names IAM's id against iam/info's and the association's, even when the new profile holds the same role", () => {
    const o = healthy();
    recreated(o);
    const { state } = transition(emptyState(), o, NOW);
    expect(state.open).toEqual({ profile_recreated: { since: NOW, detail: `instance profile MyInPr was deleted and created again: IAM's has InstanceProfileId ${PROFILE_ID_AGAIN}, iam/info shows ${PROFILE_ID} and the association shows ${PROFILE_ID}; the instance is tied to a profile that no longer exists` } });
  });

  it("resolves when a new association ties the instance to the profile IAM has", () => {
    const shown = healthy();
    recreated(shown);
    const opened = transition(emptyState(), shown, NOW).state;
    const later = healthy();
    recreated(later);
    imds(later).profileId = PROFILE_ID_AGAIN;
    if (later.association.state === "ok" && later.association.value) later.association.value.profileId = PROFILE_ID_AGAIN;
    const { events } = transition(opened, later, NOW + 60_000);
    expect(events).toMatchObject([{ type: "resolved", kind: "profile_recreated", resolution: `iam/info shows InstanceProfileId ${PROFILE_ID_AGAIN}, the id IAM has for instance profile MyInPr` }]);
  });
});

describe("revoked sessions", () => {
  it("say how they were seen: inferred from the explicit deny, or confirmed by the policy's time", () => {
    const inferred = healthy();
    explicitDeny(inferred);
    expect(transition(emptyState(), inferred, NOW).state.open.credentials_revoked?.detail).toBe(
      'inferred from an explicit deny, with the served credentials alone (no monitoring principal reads AWSRevokeOlderSessions): IAM answers AccessDenied "with an explicit deny in an identity-based policy" to the served credentials (ASIAKEY1) while STS accepts them, as for sessions issued before a revocation',
    );
    const confirmed = healthy();
    revokedBefore(Date.parse("2026-11-29T09:30:00Z"))(confirmed);
    expect(transition(emptyState(), confirmed, NOW).state.open.credentials_revoked?.detail).toBe(
      "RedRole's sessions issued before 2026-11-29T09:30:00Z are revoked (AWSRevokeOlderSessions, read as the monitoring principal); the served credentials (ASIAKEY1) were issued at 2026-11-29T09:00:00Z: every call they sign but STS's is denied",
    );
  });

  it("resolve when IMDS serves credentials issued after the revocation", () => {
    const shown = healthy();
    revokedBefore(NOW - 60_000)(shown);
    const opened = transition(emptyState(), shown, NOW).state;
    const later = healthy();
    revokedBefore(NOW - 60_000)(later);
    Object.assign(imds(later), { accessKeyId: "ASIAKEY2", lastUpdated: NOW });
    later.sts = unknown;
    const { events } = transition(opened, later, NOW + 60_000);
    expect(events).toMatchObject([{ type: "resolved", kind: "credentials_revoked", resolution: "IMDS serves credentials (ASIAKEY2) issued at 2026-11-29T10:00:00Z, after the revocation of 2026-11-29T09:59:00Z" }]);
  });
});

describe("openDrifts", () => {
  it("lists critical drifts before warnings", () => {
    const state: DriftState = { ...emptyState(), open: { credentials_expiring: { since: 1, detail: "" }, profile_empty: { since: 2, detail: "" } } };
    expect(openDrifts(state).map((d) => d.kind)).toEqual(["profile_empty", "credentials_expiring"]);
  });
});
