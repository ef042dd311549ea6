import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contractProblems } from "../support/contract.js";

// The contract as it was first published: what users' tooling may rely on. The product's schema beside it
// may grow (new drift kinds, new fields), never take away.
const FIRST = new URL("first-version.schema.json", import.meta.url);
const CURRENT = new URL("check-output.schema.json", import.meta.url);

const instance = { id: "i-0d4c8f2b7a91e3c56", accountId: "111122223333", region: "us-east-1" };
const imds = {
  reachable: true, profileArn: "arn:aws:iam::111122223333:instance-profile/MyInPr", profileId: "AIPAEXAMPLEPROFILE01",
  role: "RedRole", accessKeyId: "ASIAEXAMPLEKEY000001", expiration: "2026-11-29T16:13:45Z", lastUpdated: "2026-11-29T10:13:45Z", code: "Success",
};
const sts = { arn: "arn:aws:sts::111122223333:assumed-role/RedRole/i-0d4c8f2b7a91e3c56", account: "111122223333", role: "RedRole", roleId: "AROAEXAMPLEROLEID001", session: "i-0d4c8f2b7a91e3c56" };

/** Documents the first version accepts, one for each of its branches and values. */
const FIRST_DOCUMENTS: Record<string, unknown> = {
  "the least it requires": { status: "unknown", instance: null, imds: { reachable: false }, sts: null, profile: null, association: null, drifts: [] },
  "every source answering": {
    status: "ok", observedAt: "2026-11-29T10:13:45Z", instance, imds, sts,
    profile: { name: "MyInPr", roles: [{ name: "RedRole", id: "AROAEXAMPLEROLEID001" }] },
    association: { arn: imds.profileArn, state: "associated" }, drifts: [],
  },
  "every source failing": {
    status: "unknown", instance, imds: { reachable: false, error: "timeout reading /latest/api/token" },
    sts: { error: "Throttling" }, profile: { error: "AccessDenied" }, association: { error: "UnauthorizedOperation" }, drifts: [],
  },
  ...Object.fromEntries(
    ["associating", "associated", "disassociating", "disassociated"].map((state) => [
      `an association ${state}`,
      { status: "warning", instance, imds, sts, profile: null, association: { arn: imds.profileArn, state }, drifts: [] },
    ]),
  ),
  ...Object.fromEntries(
    (["profile_role_mismatch", "profile_empty", "role_recreated", "identity_mismatch", "association_mismatch", "credentials_rejected", "credentials_expiring"] as const).flatMap((kind) =>
      (["warning", "critical"] as const).map((severity) => [
        `a ${severity} ${kind}`,
        { status: severity, instance, imds, sts: null, profile: null, association: null, drifts: [{ kind, severity, since: "2026-11-29T10:13:45Z", detail: "what was seen" }] },
      ]),
    ),
  ),
};

/** Drift kinds added since the first version: the product's schema takes them, the first version's need not. */
const ADDED_KINDS = ["credentials_unavailable", "profile_missing", "profile_recreated", "credentials_revoked"] as const;

describe("the check-output contract", () => {
  it.each(Object.entries(FIRST_DOCUMENTS))("still accepts what the first version accepts: %s", (_, document) => {
    expect(contractProblems(document, FIRST)).toEqual([]);
    expect(contractProblems(document, CURRENT)).toEqual([]);
  });

  it.each(ADDED_KINDS)("accepts a drift of the kind %s, added since", (kind) => {
    const document = { status: "critical", instance, imds, sts: null, profile: null, association: null, drifts: [{ kind, severity: "critical", since: "2026-11-29T10:13:45Z", detail: "what was seen" }] };
    expect(contractProblems(document, CURRENT)).toEqual([]);
    expect(contractProblems({ ...document, drifts: [{ kind: `${kind}_typo`, severity: "critical", since: "2026-11-29T10:13:45Z" }] }, CURRENT)).not.toEqual([]);
  });

  it("rejects an object that breaks it, so a passing validation means something", () => {
    expect(contractProblems({ status: "fine", drifts: [] })).not.toEqual([]);
    expect(contractProblems({ ...(FIRST_DOCUMENTS["the least it requires"] as object), drifts: [{ kind: "profile_empty" }] })).not.toEqual([]);
  });

  it("requires nothing new of what the first version had: new requirements only inside new fields", () => {
    type Node = Record<string, unknown>;
    const required = (schema: unknown, path: string[] = []): { at: string[]; name: string }[] => {
      if (typeof schema !== "object" || schema === null) return [];
      const own = Array.isArray((schema as Node).required) ? ((schema as Node).required as string[]).map((name) => ({ at: path, name })) : [];
      return [...own, ...Object.entries(schema).flatMap(([key, value]) => required(value, [...path, key]))];
    };
    const first = JSON.parse(readFileSync(FIRST, "utf8")) as Node;
    const inFirst = (path: string[]) => path.reduce<unknown>((node, key) => (node as Node | undefined)?.[key], first) !== undefined;
    const firstRequired = new Set(required(first).map((r) => [...r.at, r.name].join("/")));
    const added = required(JSON.parse(readFileSync(CURRENT, "utf8")))
      .filter((r) => inFirst(r.at) && !firstRequired.has([...r.at, r.name].join("/")));
    expect(added).toEqual([]);
  });
});
