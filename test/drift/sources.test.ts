import { describe, expect, it } from "vitest";
import type { AwsSeen, ImdsRead, PollInput } from "../../src/drift/input.js";
import { freshFor, sourcesOf, unreadable, type SourceState } from "../../src/drift/sources.js";

const NOW = Date.parse("2026-12-01T08:00:00Z");
const MIN = 60_000;
const PROFILE = "arn:aws:iam::111122223333:instance-profile/MyInPr";
const IDENTITY = { instanceId: "i-0d4c8f2b7a91e3c56", accountId: "111122223333", region: "eu-west-1" };
const WINDOW = freshFor({ stsMs: 15 * MIN, controlPlaneMs: 5 * MIN, pollMs: 15_000 });
const STS = { principal: "assumed-role", arn: "arn:aws:sts::111122223333:assumed-role/RedRole/i-0d4c8f2b7a91e3c56", account: "111122223333", role: "RedRole", roleId: "AROAX", session: IDENTITY.instanceId } as const;
const throttle = { kind: "throttled", code: "Throttling", status: 400, message: "Rate exceeded" };

const serving: ImdsRead = { ok: true, view: { info: { instanceProfileArn: PROFILE }, role: "RedRole", credentials: { accessKeyId: "ASIAKEY1", expiration: NOW + 6 * 60 * MIN } } };
const noCredentials: ImdsRead = { ok: true, view: { info: { instanceProfileArn: PROFILE }, role: null, credentials: null } };
const noProfile: ImdsRead = { ok: true, view: { info: null, role: null, credentials: null } };
const down: ImdsRead = { ok: false, failure: "timeout", path: "/latest/api/token" };

function aws(over: Partial<AwsSeen> = {}, at = NOW): AwsSeen {
  return {
    sts: { state: "ok", value: STS, fresh: true, at },
    profile: { state: "ok", value: { name: "MyInPr", roles: [{ name: "RedRole", id: "AROAX" }] }, fresh: true, at },
    association: { state: "ok", value: { associationId: "iip-assoc-1", arn: PROFILE, state: "associated" }, fresh: true, at },
    calls: [],
    ...over,
  };
}

const states = (input: Omit<PollInput, "freshFor">, answered = {}, stsKey: string | null = "ASIAKEY1") =>
  Object.fromEntries(Object.entries(sourcesOf({ ...input, freshFor: WINDOW }, answered, stsKey, NOW).sources).map(([k, s]) => [k, (s as SourceState).state]));

describe("each source's state in an observation (docs/contract.md, Source states)", () => {
  it.each([
    ["every source answered now", { imds: serving, identity: IDENTITY, aws: aws() }, {}, { imds: "fresh", sts: "fresh", profile: "fresh", association: "fresh" }],
    ["answers from earlier polls, within their cadence plus the margin", { imds: serving, identity: IDENTITY, aws: aws({}, NOW - 5 * MIN - 80_000) }, {}, { sts: "fresh", profile: "fresh", association: "fresh" }],
    ["control-plane answers past 5 min plus the margin; STS's still within 15", { imds: serving, identity: IDENTITY, aws: aws({}, NOW - 6 * MIN - 31_000) }, {}, { sts: "fresh", profile: "stale", association: "stale" }],
    ["a failed call after an earlier answer", { imds: serving, identity: IDENTITY, aws: aws({ profile: { state: "failed", fresh: true, at: NOW, ...throttle } }) }, { profile: NOW - MIN }, { profile: "stale" }],
    ["a failed call and never an answer", { imds: serving, identity: IDENTITY, aws: aws({ profile: { state: "failed", fresh: true, at: NOW, ...throttle } }) }, {}, { profile: "unknown" }],
    ["STS refusing the credentials is an answer", { imds: serving, identity: IDENTITY, aws: aws({ sts: { state: "failed", fresh: true, at: NOW, kind: "rejected", code: "InvalidClientTokenId", message: "" } }) }, {}, { sts: "fresh" }],
    ["IMDS down, read a minute ago", { imds: down, identity: IDENTITY, aws: aws() }, { imds: NOW - MIN }, { imds: "stale" }],
    ["IMDS never read", { imds: down, identity: null, aws: null }, {}, { imds: "unknown", sts: "unknown", profile: "unknown", association: "unknown" }],
    ["no credentials served: nothing to confirm or to sign with", { imds: noCredentials, identity: IDENTITY, aws: aws({ sts: { state: "never" }, profile: { state: "never" }, association: { state: "never" } }) }, {}, { imds: "fresh", sts: "none", profile: "none", association: "none" }],
    ["no instance profile attached", { imds: noProfile, identity: IDENTITY, aws: aws({ sts: { state: "never" }, profile: { state: "never" }, association: { state: "never" } }) }, {}, { sts: "none", profile: "none", association: "none" }],
    ["the association not read by configuration", { imds: serving, identity: IDENTITY, aws: aws({ association: "disabled" }) }, {}, { imds: "fresh", sts: "fresh", profile: "fresh" }],
  ] as const)("%s", (_name, input, answered, expected) => {
    const got = states(input as PollInput, answered);
    expect(got).toMatchObject(expected);
    if (!("association" in expected) && (input.aws as AwsSeen | null)?.association === "disabled") expect(got).not.toHaveProperty("association");
  });

  it("counts an STS answer about an earlier AccessKeyId as stale, naming the key not yet confirmed", () => {
    const { sources } = sourcesOf({ imds: serving, identity: IDENTITY, aws: aws(), freshFor: WINDOW }, {}, "ASIAOLD", NOW);
    expect(sources.sts).toEqual({ state: "stale", since: NOW, reason: "STS has not yet confirmed AccessKeyId ASIAKEY1" });
  });

  it("remembers when each source last answered, and gives that time to a stale one", () => {
    const first = sourcesOf({ imds: serving, identity: IDENTITY, aws: aws(), freshFor: WINDOW }, {}, "ASIAKEY1", NOW);
    const later = sourcesOf({ imds: down, identity: IDENTITY, aws: aws(), freshFor: WINDOW }, first.answered, "ASIAKEY1", NOW + MIN);
    expect(later.sources.imds).toEqual({ state: "stale", since: NOW, reason: "timeout reading /latest/api/token" });
    expect(unreadable(later.sources).map((u) => u.name)).toEqual(["imds"]);
  });
});
