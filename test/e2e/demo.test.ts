import { describe, expect, it } from "vitest";
import { rolewatch } from "../support/cli.js";

describe("rolewatch demo", () => {
  it("plays the field report, prints the timeline, and exits 0 with every expected drift seen", async () => {
    const started = Date.now();
    const { code, stdout } = await rolewatch(["demo", "--pace", "0"]);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(120_000);
    for (const step of ["S1", "S2", "S3", "S4", "S5", "S6"]) expect(stdout).toMatch(new RegExp(`^T\\+\\d\\d:\\d\\d:\\d\\d  ${step} `, "m"));
    expect(stdout).toMatch(/^T\+\d\d:\d\d:\d\d +!! drift profile_role_mismatch \(critical\) detected/m);
    expect(stdout).toMatch(/^T\+\d\d:\d\d:\d\d +ok drift profile_role_mismatch resolved: IMDS now serves BlueRole, the role instance profile MyInPr holds; open \d+ min$/m);
    expect(stdout).toMatch(/^T\+\d\d:\d\d:\d\d +!! drift credentials_unavailable \(critical\) detected/m);
    expect(stdout).toMatch(/^T\+\d\d:\d\d:\d\d +ok drift credentials_unavailable resolved: /m);
    expect(stdout).toMatch(/^T\+\d\d:\d\d:\d\d +!! drift identity_mismatch \(critical\) detected/m);
    expect(stdout).toMatch(/^T\+\d\d:\d\d:\d\d +ok drift identity_mismatch resolved: /m);
    // The field report's four remedies (stop/start, a new association, deleting the role, revoking its sessions) and a deleted profile.
    for (const kind of ["credentials_revoked", "profile_missing", "profile_recreated", "role_recreated", "credentials_rejected"]) {
      expect(stdout).toMatch(new RegExp(`^T\\+\\d\\d:\\d\\d:\\d\\d +!! drift ${kind} \\(critical\\) detected`, "m"));
      expect(stdout).toMatch(new RegExp(`^T\\+\\d\\d:\\d\\d:\\d\\d +ok drift ${kind} resolved: `, "m"));
    }
    expect(stdout).toContain("$ aws iam put-role-policy --role-name RedRole --policy-name AWSRevokeOlderSessions");
    expect(stdout).toContain("$ aws iam delete-instance-profile --instance-profile-name MyInPr");
    expect(stdout).not.toMatch(/MISSED|UNEXPECTED/);
    expect(stdout).toContain("Every expected drift was detected and resolved.");
  }, 150_000);
});
