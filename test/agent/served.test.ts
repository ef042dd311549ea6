import { describe, expect, it } from "vitest";
import { servedInfoOf } from "../../src/agent/served.js";
import type { Observed } from "../../src/agent/observe.js";
import { initialFoldState } from "../../src/drift/fold.js";
import { emptyState } from "../../src/drift/state.js";
import { Secret } from "../../src/secret.js";

const KEY = "ASIAIOSFODNN7EXAMPLE";
const STS = { principal: "assumed-role", arn: "arn:aws:sts::123456789012:assumed-role/RedRole/i-0123456789abcdef0", account: "123456789012", role: "RedRole", roleId: "AROAREDREDREDREDRED01", session: "i-0123456789abcdef0" } as const;

function observed(sts: "ok" | "never" = "ok"): Observed {
  return {
    started: 0, at: 0, imdsRequests: [], tokenFetches: 0,
    identity: { instanceId: "i-0123456789abcdef0", accountId: "123456789012", region: "eu-west-1" },
    imds: {
      ok: true,
      view: {
        info: { code: "Success", lastUpdated: 0, instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/MyInPr", instanceProfileId: "AIPAD5ARO2C5EXAMPLE3G" },
        role: "RedRole",
        credentials: { code: "Success", type: "AWS-HMAC", accessKeyId: KEY, expiration: 1, lastUpdated: 0, secretAccessKey: new Secret("s"), sessionToken: new Secret("t") },
      },
    },
    aws: { sts: sts === "ok" ? { state: "ok", value: STS, at: 0, fresh: true } : { state: "never" }, profile: { state: "never" }, association: { state: "never" }, revocation: "disabled", controlPlaneSigner: "served", dated: null, calls: [] },
  };
}

describe("rolewatch_served_info's labels", () => {
  it("name the profile of iam/info and the role and RoleId STS confirmed for the served key, never the key", () => {
    const state = { ...initialFoldState(), drift: { ...emptyState(), sts: { accessKeyId: KEY, roleId: STS.roleId } } };
    const info = servedInfoOf(observed(), state);
    expect(info).toEqual({
      instanceId: "i-0123456789abcdef0", account: "123456789012", region: "eu-west-1", profileArn: "arn:aws:iam::123456789012:instance-profile/MyInPr",
      profileId: "AIPAD5ARO2C5EXAMPLE3G", role: "RedRole", roleId: "AROAREDREDREDREDRED01",
    });
    expect(JSON.stringify(info)).not.toContain(KEY);
  });

  it("leave role and RoleId empty while STS has not confirmed the key IMDS serves now (a rotation not checked yet)", () => {
    const state = { ...initialFoldState(), drift: { ...emptyState(), sts: { accessKeyId: "ASIAOLDOLDOLDOLDOLD1", roleId: STS.roleId } } };
    expect(servedInfoOf(observed(), state)).toMatchObject({ role: "", roleId: "" });
    expect(servedInfoOf(observed("never"), initialFoldState())).toMatchObject({ role: "", roleId: "", profileId: "AIPAD5ARO2C5EXAMPLE3G" });
  });

  it("are kept while IMDS cannot be read, and absent before the instance is identified", () => {
    expect(servedInfoOf({ ...observed(), imds: { ok: false, failure: "timeout", path: "/latest/meta-data/iam/info" } }, initialFoldState())).toBeUndefined();
    expect(servedInfoOf({ ...observed(), identity: null }, initialFoldState())).toBeNull();
  });
});
