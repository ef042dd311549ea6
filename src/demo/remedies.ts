/** Steps of the field report beyond S1-S6 as the report ran them: revoked sessions, and a deleted instance profile. */
import { association, clear, HOUR, iam, MINUTE, nothing, open, swap, type Step } from "./step.js";

/** IAM's "revoke active sessions": deny every session issued before now (docs/wire.md, Revoked sessions). */
const revokePolicy = (now: number) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z") } } }] });

/**
 * The field report's fourth remedy: revoke the old role's sessions during a
 * swap. STS still accepts them, so only IAM (or a monitoring principal's
 * GetRolePolicy) tells; IMDS replaces them at its next refresh.
 */
export const REVOCATION: Step[] = [
  { id: "S5", title: "Swap to BlueRole once more...", ...swap("RedRole", "BlueRole"), until: open("profile_role_mismatch"), limitMs: 6 * MINUTE, detects: ["profile_role_mismatch"] },
  {
    id: "S5", title: "...and revoke RedRole's active sessions: STS still accepts them, every other call is denied",
    commands: ["aws iam put-role-policy --role-name RedRole --policy-name AWSRevokeOlderSessions --policy-document file://revoke-older-sessions.json"],
    act: (s) => iam(s).putRolePolicy({ roleName: "RedRole", policyName: "AWSRevokeOlderSessions", document: revokePolicy(s.clock.now()) }),
    until: open("credentials_revoked"), limitMs: 6 * MINUTE, detects: ["credentials_revoked"],
  },
  {
    id: "S5", title: "IMDS replaces the revoked credentials at its next refresh, and delivers BlueRole within the swap's delay",
    commands: [], act: nothing, until: (r) => r.imds.role === "BlueRole" && clear(r), limitMs: 2 * HOUR, resolves: ["credentials_revoked", "profile_role_mismatch"],
  },
  {
    id: "S5", title: "Swap back to RedRole with a new association (its sessions from now on are not revoked)",
    commands: [...swap("BlueRole", "RedRole").commands, "aws ec2 replace-iam-instance-profile-association --association-id ASSOCIATION --iam-instance-profile Name=MyInPr"],
    act: (s) => {
      swap("BlueRole", "RedRole").act(s);
      void iam(s).replaceIamInstanceProfileAssociation(association(s), { name: "MyInPr" });
    },
    until: (r) => r.imds.role === "RedRole" && clear(r), limitMs: MINUTE,
  },
];

/**
 * Instance profiles outlive their roles and can be re-created: the
 * association keeps the deleted one's id, and IMDS its last credentials.
 */
export const PROFILE_DELETED: Step[] = [
  {
    id: "S6", title: "Delete instance profile MyInPr: iam/info and the association still name it",
    commands: ["aws iam remove-role-from-instance-profile --instance-profile-name MyInPr --role-name RedRole", "aws iam delete-instance-profile --instance-profile-name MyInPr"],
    act: (s) => {
      iam(s).removeRoleFromInstanceProfile("MyInPr", "RedRole");
      iam(s).deleteInstanceProfile("MyInPr");
    },
    until: open("profile_missing"), limitMs: 6 * MINUTE, detects: ["profile_missing"],
  },
  {
    id: "S6", title: "Create MyInPr again with RedRole: same name and role, another profile (another InstanceProfileId)",
    commands: ["aws iam create-instance-profile --instance-profile-name MyInPr", "aws iam add-role-to-instance-profile --instance-profile-name MyInPr --role-name RedRole"],
    act: (s) => {
      iam(s).createInstanceProfile({ name: "MyInPr" });
      iam(s).addRoleToInstanceProfile("MyInPr", "RedRole");
    },
    until: (r) => open("profile_recreated")(r) && !open("profile_missing")(r), limitMs: 6 * MINUTE, detects: ["profile_recreated"], resolves: ["profile_missing"],
  },
  {
    id: "S6", title: "Associate the new MyInPr: IMDS delivers its role's credentials at once",
    commands: ["aws ec2 replace-iam-instance-profile-association --association-id ASSOCIATION --iam-instance-profile Name=MyInPr"],
    act: (s) => void iam(s).replaceIamInstanceProfileAssociation(association(s), { name: "MyInPr" }),
    until: clear, limitMs: MINUTE, resolves: ["profile_recreated"],
  },
];
