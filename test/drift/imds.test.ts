import { describe, expect, it } from "vitest";
import { initialTrack, trackImds, type ImdsRead, type ImdsTrack } from "../../src/drift/imds.js";
import type { ImdsView } from "../../src/imds/types.js";
import { Secret } from "../../src/secret.js";

const PROFILE = "arn:aws:iam::111122223333:instance-profile/MyInPr";
const OTHER_PROFILE = "arn:aws:iam::111122223333:instance-profile/Other";

function served(role: string | null, accessKeyId: string | null, profileArn: string | null = PROFILE): ImdsRead {
  const view: ImdsView = {
    info: profileArn ? { code: "Success", lastUpdated: 0, instanceProfileArn: profileArn, instanceProfileId: "AIPAEXAMPLE" } : null,
    role,
    credentials: accessKeyId
      ? { code: "Success", type: "AWS-HMAC", accessKeyId, expiration: 0, lastUpdated: 0, secretAccessKey: new Secret("s"), sessionToken: new Secret("t") }
      : null,
  };
  return { ok: true, view };
}
const down: ImdsRead = { ok: false, failure: "timeout", path: "/latest/meta-data/iam/info" };
const known: ImdsTrack = { up: true, downSince: null, profileArn: PROFILE, role: "RedRole", accessKeyId: "ASIAOLD" };

describe("trackImds", () => {
  it.each([
    ["the first read sets a baseline and reports nothing", initialTrack, served("RedRole", "ASIAOLD"), []],
    ["the same key again reports nothing", known, served("RedRole", "ASIAOLD"), []],
    ["a new key under the same role is a rotation", known, served("RedRole", "ASIANEW"), ["credentials-rotated"]],
    ["a new role is a role change, not a rotation", known, served("BlueRole", "ASIANEW"), ["role-changed"]],
    ["a role that disappears is a role change", known, served(null, null), ["role-changed"]],
    ["another profile is a profile change", known, served("RedRole", "ASIAOLD", OTHER_PROFILE), ["profile-changed"]],
    ["a detached profile is a profile change and a role change", known, served(null, null, null), ["profile-changed", "role-changed"]],
    ["IMDS failing is reported once", known, down, ["imds-unavailable"]],
    ["IMDS failing again is not reported again", { ...known, up: false, downSince: 0 }, down, []],
    ["IMDS coming back with the same key reports only the recovery", { ...known, up: false, downSince: 0 }, served("RedRole", "ASIAOLD"), ["imds-recovered"]],
    ["IMDS coming back with a rotated key reports both", { ...known, up: false, downSince: 0 }, served("RedRole", "ASIANEW"), ["imds-recovered", "credentials-rotated"]],
    ["IMDS down from the start, then up, is a recovery and a baseline", { ...initialTrack, up: false, downSince: 0 }, served("RedRole", "ASIAOLD"), ["imds-recovered"]],
  ] as const)("%s", (_name, prev, read, expected) => {
    const { changes } = trackImds(prev, read, 60_000);
    expect(changes.map((c) => c.action)).toEqual(expected);
  });

  it("keeps the last known role and key while IMDS cannot be read", () => {
    const { track } = trackImds(known, down, 5_000);
    expect(track).toMatchObject({ up: false, downSince: 5_000, role: "RedRole", accessKeyId: "ASIAOLD", profileArn: PROFILE });
  });

  it("measures how long IMDS was down", () => {
    const { changes } = trackImds({ ...known, up: false, downSince: 1_000 }, served("RedRole", "ASIAOLD"), 91_000);
    expect(changes).toEqual([{ action: "imds-recovered", downSeconds: 90 }]);
  });

  it("names the old and new key of a rotation", () => {
    const { changes } = trackImds(known, served("RedRole", "ASIANEW"), 0);
    expect(changes).toEqual([{ action: "credentials-rotated", from: "ASIAOLD", to: "ASIANEW" }]);
  });
});
