import type { Observation } from "../../src/drift/observation.js";

export const PROFILE_ARN = "arn:aws:iam::111122223333:instance-profile/MyInPr";
export const RED = { name: "RedRole", id: "AROARED00000000000001" };
export const BLUE = { name: "BlueRole", id: "AROABLUE0000000000001" };
export const RED_AGAIN = { name: "RedRole", id: "AROARED00000000000002" };
/** MyInPr's InstanceProfileId, and the one it has once deleted and created again under the same name. */
export const PROFILE_ID = "AIPAMYINPR00000000001";
export const PROFILE_ID_AGAIN = "AIPAMYINPR00000000002";

/** A healthy instance at `at`: IMDS serves RedRole, STS agrees, the profile holds RedRole, EC2 associates MyInPr. */
export function healthyAt(at: number): Observation {
  return {
    at,
    instance: { id: "i-0d4c8f2b7a91e3c56", accountId: "111122223333" },
    imds: { state: "ok", value: { profileArn: PROFILE_ARN, profileId: PROFILE_ID, role: "RedRole", accessKeyId: "ASIAKEY1", expiration: at + 5 * 3600_000, lastUpdated: at - 3600_000 } },
    sts: { state: "ok", value: { outcome: "accepted", role: "RedRole", roleId: RED.id, account: "111122223333", session: "i-0d4c8f2b7a91e3c56" } },
    profile: { state: "ok", value: { name: "MyInPr", id: PROFILE_ID, roles: [RED] } },
    association: { state: "ok", value: { associationId: "iip-assoc-0123456789abcdef0", arn: PROFILE_ARN, profileId: PROFILE_ID, state: "associated" } },
    // The served credentials signed the control-plane reads above, and were answered.
    revocation: { state: "ok", value: { by: "deny", denied: null } },
  };
}
