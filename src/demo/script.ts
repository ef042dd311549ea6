import { REVOCATION, PROFILE_DELETED } from "./remedies.js";
import { association, clear, HOUR, iam, instance, MINUTE, nothing, open, swap, type Step } from "./step.js";

/** A fault of the simulator's IMDS, as `curl` would set it (docs/contract.md, Simulator admin paths). */
const putFault = (fault: object) => `curl -X PUT "$AWS_EC2_METADATA_SERVICE_ENDPOINT/rolewatch-sim/faults" -d '${JSON.stringify(fault)}'`;
const clearFaults = 'curl -X DELETE "$AWS_EC2_METADATA_SERVICE_ENDPOINT/rolewatch-sim/faults"';

/** IMDS's own verdicts (docs/contract.md, Drift kinds): EC2 cannot assume the role; more than one role listed. */
const IMDS_VERDICTS: Step[] = [
  {
    id: "IMDS", title: "EC2 cannot assume RedRole (its trust policy does not trust EC2): IMDS serves Code AssumeRoleUnauthorizedAccess and no keys",
    commands: [putFault({ kind: "credentials-code", code: "AssumeRoleUnauthorizedAccess" })],
    act: (s) => s.sim.setFault({ kind: "credentials-code", code: "AssumeRoleUnauthorizedAccess" }), until: open("credentials_unavailable"), limitMs: MINUTE, detects: ["credentials_unavailable"],
  },
  { id: "IMDS", title: "EC2 trusted again: IMDS serves RedRole's credentials", commands: [clearFaults], act: (s) => s.sim.clearFaults(), until: clear, limitMs: MINUTE, resolves: ["credentials_unavailable"] },
  {
    id: "IMDS", title: "IMDS lists RedRole and BlueRole, though an instance profile holds one role",
    commands: [putFault({ kind: "extra-roles", roles: ["BlueRole"] })],
    act: (s) => s.sim.setFault({ kind: "extra-roles", roles: ["BlueRole"] }), until: open("identity_mismatch"), limitMs: MINUTE, detects: ["identity_mismatch"],
  },
  { id: "IMDS", title: "IMDS lists RedRole alone again", commands: [clearFaults], act: (s) => s.sim.clearFaults(), until: clear, limitMs: MINUTE, resolves: ["identity_mismatch"] },
];

/** The field report's experiment (docs/contract.md, Field report, S1-S6), in order, on the default scenario. */
export const SCRIPT: Step[] = [
  { id: "start", title: "RedRole is in instance profile MyInPr, associated with the instance", commands: [], act: nothing, until: (r) => r.imds.role === "RedRole" && clear(r), limitMs: MINUTE },
  ...IMDS_VERDICTS,
  {
    id: "S1", title: "Remove RedRole from the profile: IMDS keeps serving its credentials",
    commands: ["aws iam remove-role-from-instance-profile --instance-profile-name MyInPr --role-name RedRole"],
    act: (s) => iam(s).removeRoleFromInstanceProfile("MyInPr", "RedRole"), until: open("profile_empty"), limitMs: 6 * MINUTE, detects: ["profile_empty"],
  },
  {
    id: "S2", title: "Add RedRole back: the same AccessKeyId goes on, nothing rotates",
    commands: ["aws iam add-role-to-instance-profile --instance-profile-name MyInPr --role-name RedRole"],
    act: (s) => iam(s).addRoleToInstanceProfile("MyInPr", "RedRole"), until: clear, limitMs: 6 * MINUTE, resolves: ["profile_empty"],
  },
  { id: "S3", title: "Swap RedRole for BlueRole: the console shows BlueRole at once", ...swap("RedRole", "BlueRole"), until: open("profile_role_mismatch"), limitMs: 6 * MINUTE, detects: ["profile_role_mismatch"] },
  { id: "S3", title: "...while IMDS serves RedRole until it catches up (up to 54 minutes)", commands: [], act: nothing, until: (r) => r.imds.role === "BlueRole" && clear(r), limitMs: HOUR, resolves: ["profile_role_mismatch"] },
  { id: "S4", title: "Swap back to RedRole, then reboot the instance (and restart rolewatch)", ...swap("BlueRole", "RedRole"), until: open("profile_role_mismatch"), limitMs: 6 * MINUTE, detects: ["profile_role_mismatch"] },
  {
    id: "S4", title: "A reboot refreshes nothing; the drift stays open with its first start",
    commands: [`aws ec2 reboot-instances --instance-ids INSTANCE`],
    act: (s) => {
      iam(s).rebootInstances([instance(s)]);
      s.restartAgent();
    },
    until: (r) => r.imds.role === "RedRole" && clear(r), limitMs: HOUR, resolves: ["profile_role_mismatch"],
  },
  { id: "S5", title: "Swap to BlueRole again...", ...swap("RedRole", "BlueRole"), until: open("profile_role_mismatch"), limitMs: 6 * MINUTE, detects: ["profile_role_mismatch"] },
  {
    id: "S5", title: "...and force the refresh with a stop and start",
    commands: ["aws ec2 stop-instances --instance-ids INSTANCE", "aws ec2 start-instances --instance-ids INSTANCE"],
    act: (s) => {
      iam(s).stopInstances([instance(s)]);
      iam(s).startInstances([instance(s)]);
    },
    until: (r) => r.imds.role === "BlueRole" && clear(r), limitMs: MINUTE, resolves: ["profile_role_mismatch"],
  },
  { id: "S5", title: "Swap to RedRole again...", ...swap("BlueRole", "RedRole"), until: open("profile_role_mismatch"), limitMs: 6 * MINUTE, detects: ["profile_role_mismatch"] },
  {
    id: "S5", title: "...and force the refresh with a new association",
    commands: ["aws ec2 replace-iam-instance-profile-association --association-id ASSOCIATION --iam-instance-profile Name=MyInPr"],
    act: (s) => void iam(s).replaceIamInstanceProfileAssociation(association(s), { name: "MyInPr" }),
    until: (r) => r.imds.role === "RedRole" && clear(r), limitMs: MINUTE, resolves: ["profile_role_mismatch"],
  },
  ...REVOCATION,
  {
    id: "S6", title: "Delete RedRole and create it again under the same name: another role",
    commands: [
      "aws iam remove-role-from-instance-profile --instance-profile-name MyInPr --role-name RedRole",
      "aws iam delete-role-policy --role-name RedRole --policy-name AWSRevokeOlderSessions",
      "aws iam delete-role --role-name RedRole",
      "aws iam create-role --role-name RedRole --assume-role-policy-document file://ec2-trust.json",
      "aws iam add-role-to-instance-profile --instance-profile-name MyInPr --role-name RedRole",
    ],
    act: (s) => {
      iam(s).removeRoleFromInstanceProfile("MyInPr", "RedRole");
      iam(s).deleteRolePolicy("RedRole", "AWSRevokeOlderSessions");
      iam(s).deleteRole("RedRole");
      iam(s).createRole({ name: "RedRole", assumeRolePolicyDocument: EC2_TRUST });
      iam(s).addRoleToInstanceProfile("MyInPr", "RedRole");
    },
    until: (r) => open("role_recreated")(r) && open("credentials_rejected")(r), limitMs: 16 * MINUTE, detects: ["role_recreated", "credentials_rejected"],
  },
  { id: "S6", title: "IMDS drops the deleted role's session at its next refresh", commands: [], act: nothing, until: (r) => clear(r) && r.sts !== null && !("error" in r.sts), limitMs: 2 * HOUR, resolves: ["role_recreated", "credentials_rejected"] },
  ...PROFILE_DELETED,
  {
    id: "S1", title: "Empty the profile once more, and wait: the credentials are served until they expire (up to 6 hours)",
    commands: ["aws iam remove-role-from-instance-profile --instance-profile-name MyInPr --role-name RedRole"],
    act: (s) => iam(s).removeRoleFromInstanceProfile("MyInPr", "RedRole"),
    until: (r) => r.imds.role === null && clear(r),
    limitMs: 7 * HOUR,
    // S7 too: unrotated credentials raise credentials_expiring in their last 5 minutes.
    detects: ["profile_empty", "credentials_expiring"],
    resolves: ["profile_empty", "credentials_expiring"],
  },
];

const EC2_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
