/**
 * Paged lists as an account-wide reader walks them: IAM ListInstanceProfiles
 * (MaxItems, Marker, IsTruncated) and EC2 DescribeIamInstanceProfileAssociations
 * without a filter (MaxResults, NextToken), through the JS SDK's own
 * paginators, over the fake control plane; and what the API stats count.
 */
import { paginateDescribeIamInstanceProfileAssociations } from "@aws-sdk/client-ec2";
import { ListInstanceProfilesCommand, paginateListInstanceProfiles } from "@aws-sdk/client-iam";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/clock.js";
import type { AwsApi } from "../../../src/sim/aws/index.js";
import type { FakeControlPlane } from "./fake-control-plane.js";
import { clients, signedRequest, startFakeApi, xmlText } from "./support.js";

const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

let api: AwsApi;
let plane: FakeControlPlane;
let wall: ManualClock;
beforeEach(async () => {
  wall = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  ({ api, plane } = await startFakeApi({ signingClocks: [wall] }));
});
afterEach(() => api.close());

/** `count` profiles p-000, p-001, …, each holding its own role r-000, …; the ones in `onPath` under /fleet/. */
function profiles(count: number, onPath: (i: number) => boolean = () => false): string[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `p-${String(i).padStart(3, "0")}`;
    plane.createRole({ name: `r-${String(i).padStart(3, "0")}`, assumeRolePolicyDocument: TRUST });
    plane.createInstanceProfile(onPath(i) ? { name, path: "/fleet/" } : { name });
    plane.addRoleToInstanceProfile(name, `r-${String(i).padStart(3, "0")}`);
    return name;
  });
}

function instances(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `i-0${i.toString(16).padStart(16, "0")}`;
    plane.instances.set(id, "running");
    plane.associateIamInstanceProfile(id, { name: "p-000" });
    return id;
  });
}

const post = (service: string, body: string) => signedRequest(api.url, { service, body, date: new Date(wall.now()) });

describe("IAM ListInstanceProfiles", () => {
  it("pages of 100 by default, each profile with its role as GetInstanceProfile shows it, until IsTruncated is false", async () => {
    const names = profiles(250);
    const { iam } = clients(api.url);
    const pages = [];
    for await (const page of paginateListInstanceProfiles({ client: iam }, {})) pages.push(page);
    expect(pages.map((p) => [p.InstanceProfiles?.length, p.IsTruncated])).toEqual([[100, true], [100, true], [50, false]]);
    expect(pages.flatMap((p) => p.InstanceProfiles ?? []).map((p) => p.InstanceProfileName)).toEqual(names);
    const first = pages[0]?.InstanceProfiles?.[0];
    expect(first).toMatchObject({ InstanceProfileName: "p-000", Path: "/", Arn: "arn:aws:iam::111122223333:instance-profile/p-000", CreateDate: expect.any(Date) });
    expect(first?.InstanceProfileId).toMatch(/^AIPA[A-Z0-9]{17}$/);
    expect(first?.Roles).toEqual([expect.objectContaining({ RoleName: "r-000", RoleId: expect.stringMatching(/^AROA/), Arn: "arn:aws:iam::111122223333:role/r-000", Path: "/" })]);
    expect(api.stats().calls).toEqual({ "iam:ListInstanceProfiles": 3 });
    expect(api.stats().pages).toEqual({ "iam:ListInstanceProfiles": { pages: 3, items: 250 } });
  });

  it("MaxItems 1-1000; a Marker continues after the last profile it named, even when profiles were deleted meanwhile", async () => {
    profiles(5);
    const { iam } = clients(api.url);
    const first = await iam.send(new ListInstanceProfilesCommand({ MaxItems: 2 }));
    expect(first.InstanceProfiles?.map((p) => p.InstanceProfileName)).toEqual(["p-000", "p-001"]);
    plane.removeRoleFromInstanceProfile("p-001", "r-001");
    plane.deleteInstanceProfile("p-001");
    plane.removeRoleFromInstanceProfile("p-002", "r-002");
    plane.deleteInstanceProfile("p-002");
    const rest = await iam.send(new ListInstanceProfilesCommand({ MaxItems: 1000, Marker: first.Marker }));
    expect(rest.InstanceProfiles?.map((p) => p.InstanceProfileName)).toEqual(["p-003", "p-004"]);
    expect([rest.IsTruncated, rest.Marker]).toEqual([false, undefined]);
    for (const bad of ["MaxItems=0", "MaxItems=1001", "Marker=not%20a%20marker"]) {
      const res = await post("iam", `Action=ListInstanceProfiles&Version=2010-05-08&${bad}`);
      expect([bad, res.status, xmlText(res.text, "Code")]).toEqual([bad, 400, "ValidationError"]);
    }
  });

  it("PathPrefix lists the profiles under a path; IsTruncated comes first, as in IAM's sample answer", async () => {
    profiles(4, (i) => i % 2 === 1);
    const res = await post("iam", "Action=ListInstanceProfiles&Version=2010-05-08&PathPrefix=%2Ffleet%2F");
    expect(res.text).toMatch(/^<ListInstanceProfilesResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ListInstanceProfilesResult><IsTruncated>false<\/IsTruncated><InstanceProfiles><member><Path>\/fleet\/<\/Path><InstanceProfileName>p-001<\/InstanceProfileName>/);
    expect([...res.text.matchAll(/<InstanceProfileName>([^<]*)</g)].map((m) => m[1])).toEqual(["p-001", "p-003"]);
    expect(res.text).not.toContain("<Marker>");
    const bad = await post("iam", "Action=ListInstanceProfiles&Version=2010-05-08&PathPrefix=fleet");
    expect([bad.status, xmlText(bad.text, "Code")]).toEqual([400, "ValidationError"]);
  });
});

describe("EC2 DescribeIamInstanceProfileAssociations without a filter", () => {
  it("pages of MaxResults through every association; the stats count each page and its items", async () => {
    profiles(1);
    const ids = instances(2_345);
    const { ec2 } = clients(api.url);
    const pages = [];
    for await (const page of paginateDescribeIamInstanceProfileAssociations({ client: ec2, pageSize: 1000 }, {})) pages.push(page);
    expect(pages.map((p) => p.IamInstanceProfileAssociations?.length)).toEqual([1000, 1000, 345]);
    expect(pages.flatMap((p) => p.IamInstanceProfileAssociations ?? []).map((a) => a.InstanceId)).toEqual(ids);
    expect(api.stats().pages).toEqual({ "ec2:DescribeIamInstanceProfileAssociations": { pages: 3, items: 2_345 } });
  });
});
