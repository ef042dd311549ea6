import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./packages.js";

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

const policy = JSON.parse(readFileSync(join(REPO, "packaging/iam-policy.json"), "utf8")) as { Version: string; Statement: Statement[] };
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/** Every AWS API action the agent calls: `queryCall("iam", "GetInstanceProfile", …)` in src/aws. */
function actionsCalled(): string[] {
  const dir = join(REPO, "src/aws");
  const source = readdirSync(dir).map((name) => readFileSync(join(dir, name), "utf8")).join("\n");
  return [...source.matchAll(/queryCall\(\s*"(\w+)",\s*"(\w+)"/g)].map(([, service, action]) => `${service}:${action}`);
}

describe("packaging/iam-policy.json", () => {
  it("allows exactly the control-plane calls, each on the narrowest resource IAM supports for it", () => {
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.every((s) => s.Effect === "Allow")).toBe(true);
    const grants = policy.Statement.flatMap((s) => list(s.Action).map((action) => [action, list(s.Resource)]));
    // GetInstanceProfile takes an instance-profile ARN; DescribeIamInstanceProfileAssociations
    // has no resource-level permissions (Service Authorization Reference), so only "*";
    // GetRolePolicy (the monitoring principal's, for revoked sessions) takes a role ARN.
    expect(Object.fromEntries(grants)).toEqual({
      "iam:GetInstanceProfile": ["arn:aws:iam::*:instance-profile/*"],
      "ec2:DescribeIamInstanceProfileAssociations": ["*"],
      "iam:GetRolePolicy": ["arn:aws:iam::*:role/*"],
    });
  });

  it("covers every AWS call the agent makes, save STS GetCallerIdentity, which needs no permission", () => {
    const granted = policy.Statement.flatMap((s) => list(s.Action));
    const needed = actionsCalled().filter((action) => action !== "sts:GetCallerIdentity");
    expect(actionsCalled()).toContain("sts:GetCallerIdentity");
    expect([...new Set(needed)].sort()).toEqual([...granted].sort());
  });
});

describe("packaging/iam-policy-account.json", () => {
  const account = JSON.parse(readFileSync(join(REPO, "packaging/iam-policy-account.json"), "utf8")) as { Version: string; Statement: Statement[] };

  it("allows exactly what rolewatch account calls, save STS GetCallerIdentity, which needs no permission", () => {
    const source = readFileSync(join(REPO, "src/account/api.ts"), "utf8");
    const called = [...source.matchAll(/queryCall\(\s*"(\w+)",\s*"(\w+)"/g)].map(([, service, action]) => `${service}:${action}`);
    const grants = Object.fromEntries(account.Statement.flatMap((s) => list(s.Action).map((action) => [action, list(s.Resource)])));
    expect(account.Statement.every((s) => s.Effect === "Allow")).toBe(true);
    expect(Object.keys(grants).sort()).toEqual([...new Set(called)].sort());
    expect(grants).toEqual({
      "iam:ListInstanceProfiles": ["arn:aws:iam::*:instance-profile/*"],
      "ec2:DescribeIamInstanceProfileAssociations": ["*"],
      "sts:AssumeRole": ["arn:aws:iam::*:role/rolewatch-account"],
    });
  });
});
