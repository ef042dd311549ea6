import { describe, expect, it } from "vitest";
import { ADMIN_USER_ID } from "../../src/sim/plane/index.js";
import { DEFAULT_ADMIN, defaultScenario } from "../../src/sim/scenario/scenario.js";
import { HOUR, START, fault, seedWorld } from "./world-support.js";

const TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

describe("IAM over the world", () => {
  it("creates a role with path \"/\" by default, an AROA id and an ARN that carries its path", () => {
    const { plane } = seedWorld();
    const app = plane.createRole({ name: "AppRole", assumeRolePolicyDocument: TRUST, description: "app" });
    expect(app).toEqual({
      name: "AppRole",
      path: "/",
      roleId: expect.stringMatching(/^AROA[A-Z0-9]{17}$/),
      arn: "arn:aws:iam::111122223333:role/AppRole",
      createDate: START,
      assumeRolePolicyDocument: TRUST,
      description: "app",
      maxSessionDuration: 3600,
    });
    expect(plane.createRole({ name: "Deep", path: "/team/app/", assumeRolePolicyDocument: TRUST, maxSessionDuration: 43_200 })).toMatchObject({
      arn: "arn:aws:iam::111122223333:role/team/app/Deep",
      maxSessionDuration: 43_200,
    });
    expect(plane.getRole("AppRole")).toEqual(app);
  });

  it("creates an instance profile with an AIPA id, empty, and finds names regardless of case", () => {
    const { plane } = seedWorld();
    const profile = plane.createInstanceProfile({ name: "web" });
    expect(profile).toEqual({
      name: "web",
      path: "/",
      instanceProfileId: expect.stringMatching(/^AIPA[A-Z0-9]{17}$/),
      arn: "arn:aws:iam::111122223333:instance-profile/web",
      createDate: START,
      roles: [],
    });
    plane.addRoleToInstanceProfile("WEB", "bluerole");
    expect(plane.getInstanceProfile("web").roles).toEqual([plane.getRole("BlueRole")]);
  });

  it.each<[string, (p: ReturnType<typeof seedWorld>["plane"]) => unknown, { code: string; message: string; status: number }]>([
    ["CreateRole of an existing name (any case)", (p) => p.createRole({ name: "redrole", assumeRolePolicyDocument: TRUST }), { code: "EntityAlreadyExists", message: "Role with name redrole already exists.", status: 409 }],
    ["CreateRole with a bad name", (p) => p.createRole({ name: "no spaces", assumeRolePolicyDocument: TRUST }), { code: "ValidationError", message: expect.stringContaining("at 'roleName' failed to satisfy constraint"), status: 400 }],
    ["CreateRole with a bad path", (p) => p.createRole({ name: "X", path: "team", assumeRolePolicyDocument: TRUST }), { code: "ValidationError", message: expect.stringContaining("must begin and end with /"), status: 400 }],
    ["CreateRole with a policy that is not JSON", (p) => p.createRole({ name: "X", assumeRolePolicyDocument: "{" }), { code: "MalformedPolicyDocument", message: "This policy contains invalid Json", status: 400 }],
    ["CreateRole with MaxSessionDuration 60", (p) => p.createRole({ name: "X", assumeRolePolicyDocument: TRUST, maxSessionDuration: 60 }), { code: "ValidationError", message: expect.stringContaining("'maxSessionDuration'"), status: 400 }],
    ["GetRole of a missing role", (p) => p.getRole("GhostRole"), { code: "NoSuchEntity", message: "The role with name GhostRole cannot be found.", status: 404 }],
    ["GetInstanceProfile of a missing profile", (p) => p.getInstanceProfile("Ghost"), { code: "NoSuchEntity", message: "Instance Profile Ghost cannot be found.", status: 404 }],
    ["DeleteRole of a role in a profile", (p) => p.deleteRole("RedRole"), { code: "DeleteConflict", message: "Cannot delete entity, must remove roles from instance profile first.", status: 409 }],
    ["DeleteInstanceProfile of a profile holding a role", (p) => p.deleteInstanceProfile("MyInPr"), { code: "DeleteConflict", message: "Cannot delete entity, must remove roles from instance profile first.", status: 409 }],
    ["CreateInstanceProfile of an existing name", (p) => p.createInstanceProfile({ name: "MyInPr" }), { code: "EntityAlreadyExists", message: "Instance Profile MyInPr already exists.", status: 409 }],
    ["AddRoleToInstanceProfile to a profile that holds one", (p) => p.addRoleToInstanceProfile("MyInPr", "BlueRole"), { code: "LimitExceeded", message: "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1", status: 409 }],
    ["AddRoleToInstanceProfile of a missing role", (p) => p.addRoleToInstanceProfile("MyInPr", "GhostRole"), { code: "NoSuchEntity", message: "The role with name GhostRole cannot be found.", status: 404 }],
    ["AddRoleToInstanceProfile to a missing profile", (p) => p.addRoleToInstanceProfile("Ghost", "BlueRole"), { code: "NoSuchEntity", message: "Instance Profile Ghost cannot be found.", status: 404 }],
    ["RemoveRoleFromInstanceProfile of a role it does not hold", (p) => p.removeRoleFromInstanceProfile("MyInPr", "BlueRole"), { code: "NoSuchEntity", message: expect.stringContaining("BlueRole cannot be found in instance profile MyInPr"), status: 404 }],
  ])("%s is refused as IAM refuses it", (_what, action, expected) => {
    const { plane } = seedWorld();
    expect(fault(() => action(plane))).toEqual(expected);
  });

  it("deletes an empty profile, and a role once no profile holds it", () => {
    const { plane } = seedWorld();
    plane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
    plane.deleteRole("RedRole");
    plane.deleteInstanceProfile("MyInPr");
    expect(fault(() => plane.getRole("RedRole")).code).toBe("NoSuchEntity");
    expect(fault(() => plane.getInstanceProfile("MyInPr")).code).toBe("NoSuchEntity");
  });
});

describe("callers, told by their AccessKeyId", () => {
  it("knows the scenario's admin user by its fixed key pair", () => {
    const { plane } = seedWorld();
    expect(plane.caller(DEFAULT_ADMIN.accessKeyId)).toEqual({
      ...DEFAULT_ADMIN,
      sessionToken: null,
      status: "valid",
      arn: "arn:aws:iam::111122223333:user/admin",
      userId: ADMIN_USER_ID,
      account: "111122223333",
    });
    expect(DEFAULT_ADMIN.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(DEFAULT_ADMIN.secretAccessKey).toHaveLength(40);
    const custom = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
    expect(seedWorld({ ...defaultScenario(), admin: custom }).plane.caller(custom.accessKeyId)?.secretAccessKey).toBe(custom.secretAccessKey);
  });

  it("knows every session IMDS served, named after the instance, valid until it expires", () => {
    const w = seedWorld();
    const { v2 } = w.served()?.issue ?? {};
    expect(w.plane.caller(v2?.accessKeyId ?? "")).toEqual({
      accessKeyId: v2?.accessKeyId,
      secretAccessKey: v2?.secretAccessKey,
      sessionToken: v2?.sessionToken,
      status: "valid",
      explicitDeny: false,
      arn: `arn:aws:sts::111122223333:assumed-role/RedRole/${w.id}`,
      userId: `${w.roleId("RedRole")}:${w.id}`,
      account: "111122223333",
    });
    w.at(6 * HOUR);
    expect(w.plane.caller(v2?.accessKeyId ?? "")?.status).toBe("expired");
    expect(w.plane.caller("ASIANOSUCHKEY0000000")).toBeNull();
  });

  it("names the instance identity role's sessions as STS does (docs/wire.md, Instance identity role)", () => {
    const w = seedWorld();
    const identity = w.world.instance(w.id).identity.at(w.clock.now());
    expect(w.plane.caller(identity?.accessKeyId ?? "")).toMatchObject({
      arn: `arn:aws:sts::111122223333:assumed-role/aws:ec2-instance/${w.id}`,
      userId: `111122223333:aws:ec2-instance:${w.id}`,
      status: "valid",
    });
  });
});
