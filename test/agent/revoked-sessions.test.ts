/**
 * IAM's "Revoke active sessions" (AWSRevokeOlderSessions) denies every call of the sessions
 * issued before it but STS GetCallerIdentity, which cannot be denied (docs/wire.md, Revoked
 * sessions). So STS keeps accepting the served credentials while IAM and EC2, signed with them,
 * go dark. That is credentials_revoked: inferred from the explicit deny with the served
 * credentials alone, confirmed by the policy's time with a monitoring principal.
 */
import { afterEach, describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/check-text.js";
import { isoSeconds } from "../../src/clock.js";
import { ec2ErrorXml, IAM_NS, queryErrorXml } from "../support/aws-bodies.js";
import type { QueryRequest } from "../support/aws-loopback.js";
import { AgentField, ACCOUNT, healthy, HOUR, INSTANCE, kinds, MINUTE, MONITOR_KEY, revocationXml } from "../support/agent-loopback.js";

const OLD_KEY = "ASIAREDKEY0000000001";
const NEW_KEY = "ASIAREDKEY0000000002";
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/RedRole/${INSTANCE}`;

let field: AgentField;
afterEach(() => field.close());

/** IAM and EC2 deny the sessions issued before the revocation, in AWS's words; the others they answer. */
function revokeKey(key: string): void {
  const denied = (req: QueryRequest) => req.accessKeyId === key;
  field.answers.iam = (req) => (denied(req)
    ? { status: 403, body: queryErrorXml("AccessDenied", `User: ${SESSION} is not authorized to perform: iam:GetInstanceProfile on resource: instance profile MyInPr with an explicit deny in an identity-based policy`, IAM_NS) }
    : healthy.iam(req));
  field.answers.ec2 = (req) => (denied(req)
    ? { status: 403, body: ec2ErrorXml("UnauthorizedOperation", `You are not authorized to perform this operation. User: ${SESSION} is not authorized to perform: ec2:DescribeIamInstanceProfileAssociations with an explicit deny in an identity-based policy. Encoded authorization failure message: AbCdEf0123`) }
    : healthy.ec2(req));
}

describe("revoked sessions, seen with the served credentials alone", () => {
  it("are credentials_revoked, inferred from the explicit deny, while STS accepts them: never credentials_rejected", async () => {
    field = await AgentField.start();
    await field.poll();
    revokeKey(OLD_KEY);
    const report = await field.run(6 * MINUTE);
    expect(kinds(report)).toEqual(["credentials_revoked"]);
    expect(report.status).toBe("critical");
    expect(report.drifts[0]?.detail).toMatch(/^inferred from an explicit deny, with the served credentials alone \(no monitoring principal reads AWSRevokeOlderSessions\): (IAM|EC2) answers (AccessDenied|UnauthorizedOperation) /);
    expect(report.sts).toMatchObject({ role: "RedRole" });
    expect(field.calls("iam").map((r) => r.action)).not.toContain("GetRolePolicy");
    expect(await field.value("rolewatch_drift", { kind: "credentials_revoked" })).toBe(1);
    expect(await field.value("rolewatch_control_plane_requests_total", { api: "iam", outcome: "denied" })).toBeGreaterThan(0);
    expect(field.events("control-plane-unavailable").map((e) => (e.rolewatch?.["control_plane"] as { api: string }).api).sort()).toEqual(["ec2", "iam"]);
    expect(field.events("drift-detected").map((e) => (e.rolewatch?.["drift"] as { kind: string }).kind)).toEqual(["credentials_revoked"]);
    const text = checkText(report, field.clock.now());
    expect(text.split("\n")[0]).toMatch(/^ROLEWATCH CRITICAL - credentials_revoked/);
    expect(text).toContain("$ aws iam get-role-policy --role-name RedRole --policy-name AWSRevokeOlderSessions");
    expect(text).toContain("$ aws ec2 stop-instances --instance-ids i-0123456789abcdef0");
  });

  it("resolve at the first poll after IMDS serves credentials issued after the revocation", async () => {
    field = await AgentField.start();
    revokeKey(OLD_KEY);
    await field.run(MINUTE);
    field.clock.advance(17 * MINUTE);
    field.serve(NEW_KEY, field.clock.now());
    const report = await field.poll();
    expect(kinds(report)).toEqual([]);
    expect(field.events("drift-resolved")).toMatchObject([{ rolewatch: { drift: { kind: "credentials_revoked", resolution: `IAM and EC2 answer the served credentials (${NEW_KEY}) again` } } }]);
    expect(field.calls("iam").at(-1)).toMatchObject({ accessKeyId: NEW_KEY, action: "GetInstanceProfile" });
  });
});

describe("revoked sessions, confirmed by a monitoring principal", () => {
  it("are credentials_revoked when the served credentials were issued before AWSRevokeOlderSessions' time", async () => {
    field = await AgentField.start({ monitor: true });
    const revokedAt = field.clock.now() - 5 * MINUTE; // the served credentials were issued 10 minutes ago
    field.answers.rolePolicy = () => ({ status: 200, body: revocationXml(revokedAt) });
    const report = await field.poll();
    expect(kinds(report)).toEqual(["credentials_revoked"]);
    expect(report.drifts[0]?.detail).toBe(
      `RedRole's sessions issued before ${isoSeconds(revokedAt)} are revoked (AWSRevokeOlderSessions, read as the monitoring principal); the served credentials (${OLD_KEY}) were issued at ${isoSeconds(field.clock.now() - 10 * MINUTE)}: every call they sign but STS's is denied`,
    );
    expect(report.revocation).toEqual({ role: "RedRole", revokedBefore: isoSeconds(revokedAt) });
    expect(checkText(report, field.clock.now())).toMatch(/^role sessions +RedRole +revoked if issued before /m);
    const [asked] = field.calls("iam").filter((r) => r.action === "GetRolePolicy");
    expect(asked?.accessKeyId).toBe(MONITOR_KEY);
    expect(Object.fromEntries(asked?.params ?? [])).toMatchObject({ RoleName: "RedRole", PolicyName: "AWSRevokeOlderSessions" });
  });

  it("resolve when IMDS serves credentials issued after the revocation, with no IAM call more for it", async () => {
    field = await AgentField.start({ monitor: true });
    const revokedAt = field.clock.now() - 5 * MINUTE;
    field.answers.rolePolicy = () => ({ status: 200, body: revocationXml(revokedAt) });
    await field.run(MINUTE);
    const asked = field.calls("iam").filter((r) => r.action === "GetRolePolicy").length;
    field.clock.advance(15_000);
    field.serve(NEW_KEY, field.clock.now());
    const report = await field.poll();
    expect(kinds(report)).toEqual([]);
    expect(field.events("drift-resolved")).toMatchObject([{
      rolewatch: { drift: { kind: "credentials_revoked", resolution: `IMDS serves credentials (${NEW_KEY}) issued at ${isoSeconds(field.clock.now())}, after the revocation of ${isoSeconds(revokedAt)}` } },
    }]);
    expect(field.calls("iam").filter((r) => r.action === "GetRolePolicy")).toHaveLength(asked);
  });

  it("a role without AWSRevokeOlderSessions (NoSuchEntity), or revoked before the credentials were issued, is no drift", async () => {
    field = await AgentField.start({ monitor: true });
    expect(kinds(await field.run(6 * MINUTE))).toEqual([]);
    field.answers.rolePolicy = () => ({ status: 200, body: revocationXml(field.clock.now() - HOUR) });
    const report = await field.run(6 * MINUTE);
    expect(kinds(report)).toEqual([]);
    expect(report.revocation).toMatchObject({ role: "RedRole", revokedBefore: expect.any(String) });
  });

  it("a revocation made while it watches is seen at the next control-plane slot", async () => {
    field = await AgentField.start({ monitor: true });
    await field.run(2 * MINUTE);
    field.answers.rolePolicy = () => ({ status: 200, body: revocationXml(field.clock.now()) });
    const revokedAt = field.clock.now();
    await field.agent.poll();
    const took = await (async () => {
      for (let t = 0; t <= 5 * MINUTE + 15_000; t += 15_000) {
        field.clock.advance(15_000);
        if (kinds(await field.poll()).includes("credentials_revoked")) return field.clock.now() - revokedAt;
      }
      return Infinity;
    })();
    expect(took).toBeLessThanOrEqual(5 * MINUTE + 15_000);
  });

  it("keeps the call budget: GetRolePolicy only with a monitoring principal, at start, on the control-plane slot and when the served role changes", async () => {
    field = await AgentField.start({ monitor: true });
    await field.run(HOUR);
    const hourly = field.calls("iam").filter((r) => r.action === "GetRolePolicy").length;
    // One at start and one per 5-minute slot; never one per poll (240 polls an hour).
    expect(hourly).toBeGreaterThanOrEqual(12);
    expect(hourly).toBeLessThanOrEqual(13);
    field.routes["/latest/meta-data/iam/security-credentials/"] = "BlueRole";
    field.routes["/latest/meta-data/iam/security-credentials/BlueRole"] = field.routes["/latest/meta-data/iam/security-credentials/RedRole"]?.replace(OLD_KEY, NEW_KEY) ?? "";
    field.clock.advance(15_000);
    await field.poll();
    expect(field.calls("iam").filter((r) => r.action === "GetRolePolicy").at(-1)?.params.get("RoleName")).toBe("BlueRole");
    await field.close();
    field = await AgentField.start();
    await field.run(HOUR);
    expect(field.calls("iam").filter((r) => r.action === "GetRolePolicy")).toEqual([]);
  });
});
