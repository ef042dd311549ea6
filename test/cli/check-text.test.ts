import { describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/agent/report.js";
import { checkText, humanSpan } from "../../src/cli/check-text.js";

const NOW = Date.parse("2026-11-29T10:12:00Z");
const PROFILE_ARN = "arn:aws:iam::111122223333:instance-profile/MyInPr";

const healthy: CheckReport = {
  status: "ok",
  observedAt: "2026-11-29T10:12:00Z",
  instance: { id: "i-0d4c8f2b7a91e3c56", accountId: "111122223333", region: "us-east-1" },
  imds: {
    reachable: true,
    profileArn: PROFILE_ARN,
    profileId: "AIPAM7YNPR2KD5QWX8HTC",
    role: "RedRole",
    accessKeyId: "ASIA49U2KRZJ30BMB1JP",
    expiration: "2026-11-29T15:40:00Z",
    lastUpdated: "2026-11-29T09:40:00Z",
    code: "Success",
  },
  sts: { arn: "arn:aws:sts::111122223333:assumed-role/RedRole/i-0d4c8f2b7a91e3c56", account: "111122223333", role: "RedRole", roleId: "AROAR3DKQ7TXN2WPLM4VB", session: "i-0d4c8f2b7a91e3c56" },
  profile: { name: "MyInPr", roles: [{ name: "RedRole", id: "AROAR3DKQ7TXN2WPLM4VB" }] },
  association: { arn: PROFILE_ARN, state: "associated", associationId: "iip-assoc-0db249b1f25fa24b8" },
  drifts: [],
  sources: { imds: { state: "fresh", since: "2026-11-29T10:12:00Z" }, sts: { state: "fresh", since: "2026-11-29T10:12:00Z" }, profile: { state: "fresh", since: "2026-11-29T10:12:00Z" }, association: { state: "fresh", since: "2026-11-29T10:12:00Z" } },
};

const swapped: CheckReport = {
  ...healthy,
  status: "critical",
  association: { arn: PROFILE_ARN, state: "associating", associationId: "iip-assoc-0db249b1f25fa24b8" },
  profile: { name: "MyInPr", roles: [{ name: "BlueRole", id: "AROAB9LUE4HCZ6YJSF2QE" }] },
  drifts: [
    { kind: "profile_role_mismatch", severity: "critical", since: "2026-11-29T10:00:00Z", detail: "IMDS serves RedRole; instance profile MyInPr holds BlueRole" },
    { kind: "association_mismatch", severity: "warning", since: "2026-11-29T10:10:00Z", detail: "association iip-assoc-0db249b1f25fa24b8 is associating" },
  ],
};

const emptied: CheckReport = {
  ...healthy,
  status: "critical",
  profile: { name: "MyInPr", roles: [] },
  drifts: [{ kind: "profile_empty", severity: "critical", since: "2026-11-29T09:50:00Z", detail: "instance profile MyInPr holds no role, yet IMDS serves RedRole's credentials" }],
};

const unreachable: CheckReport = {
  ...healthy,
  status: "unknown",
  imds: { reachable: false, error: "timeout reading /latest/api/token", profileArn: null, profileId: null, role: null, accessKeyId: null, expiration: null, lastUpdated: null, code: null },
  sts: null,
  profile: null,
  association: null,
  instance: null,
  sources: {
    imds: { state: "unknown", reason: "timeout reading /latest/api/token" },
    sts: { state: "unknown", reason: "the instance is not identified yet (identity document unread)" },
    profile: { state: "unknown", reason: "the instance is not identified yet (identity document unread)" },
    association: { state: "unknown", reason: "the instance is not identified yet (identity document unread)" },
  },
};

/** `check` where the daemon's state could not be read: its drifts start now. */
const swappedWithoutState: CheckReport = {
  ...swapped,
  drifts: swapped.drifts.map((d) => ({ ...d, since: "2026-11-29T10:12:00Z" })),
  stateFile: { path: "/var/lib/rolewatch/state.json", read: false, reason: "cannot be read (EACCES)" },
};

describe("the human check report", () => {
  it.each([
    ["healthy", healthy],
    ["swapped", swapped],
    ["swapped-without-state", swappedWithoutState],
    ["emptied", emptied],
    ["unreachable", unreachable],
  ] as const)("matches its golden file: %s", async (name, report) => {
    await expect(checkText(report, NOW)).toMatchFileSnapshot(`golden/check-${name}.txt`);
  });

  it("fills the remedies with this instance's ids", () => {
    const text = checkText(swapped, NOW);
    expect(text).toContain("aws ec2 stop-instances --instance-ids i-0d4c8f2b7a91e3c56");
    expect(text).toContain("--association-id iip-assoc-0db249b1f25fa24b8 --iam-instance-profile Name=MyInPr");
  });

  it("revokes sessions older than now when the profile is empty", () => {
    expect(checkText(emptied, NOW)).toContain('"DateLessThan":{"aws:TokenIssueTime":"2026-11-29T10:12:00Z"}');
  });
});

describe("values a terminal would act on", () => {
  it("are printed as escapes, so no value can forge a line or move the cursor", () => {
    const forged = "RedRole\u001b[2J\rROLEWATCH OK - all good\n\u202e\u0085";
    const text = checkText({ ...swapped, imds: { ...healthy.imds, role: forged } }, NOW);
    expect(text).toContain("RedRole\\x1b[2J\\rROLEWATCH OK - all good\\n\\u202e\\x85");
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/u);
    expect(text.split("\n").filter((line) => line.startsWith("ROLEWATCH"))).toHaveLength(1);
  });
});

describe("humanSpan", () => {
  it.each([
    [0, "0s"],
    [59, "59s"],
    [60, "1m 00s"],
    [3599, "59m 59s"],
    [3600, "1h 00m"],
    [21_540, "5h 59m"],
  ])("%i s is %s", (seconds, text) => expect(humanSpan(seconds)).toBe(text));
});
