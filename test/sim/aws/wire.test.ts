/**
 * The API port on the wire, byte for byte where docs/wire.md gives the bytes:
 * envelopes, headers, escaping, and how it refuses what is not properly signed.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/clock.js";
import type { AwsApi } from "../../../src/sim/aws/index.js";
import { raw } from "../../support/sim-http.js";
import { ACCOUNT, ADMIN, INSTANCE_ID, type FakeControlPlane } from "./fake-control-plane.js";
import { signedRequest, startFakeApi, xmlText } from "./support.js";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
const EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
const CALLER = "Action=GetCallerIdentity&Version=2011-06-15";
const DESCRIBE = "Action=DescribeIamInstanceProfileAssociations&Version=2016-11-15";

/** The real time, fixed for a test: the port checks signature dates against it alone. */
let wall: ManualClock;
let api: AwsApi;
let plane: FakeControlPlane;
beforeEach(async () => {
  wall = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
  ({ api, plane } = await startFakeApi({ signingClocks: [wall] }));
});
afterEach(() => api.close());

const post = (service: string, body: string, extra: Partial<Parameters<typeof signedRequest>[1]> = {}) => signedRequest(api.url, { service, body, date: new Date(wall.now()), ...extra });
const unsigned = (body: string) => raw(api.url, "/", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });

describe("success envelopes", () => {
  it("STS: the documented XML, text/xml, and the request id in both the header and the body", async () => {
    const res = await post("sts", CALLER);
    const id = String(res.headers["x-amzn-requestid"]);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/xml");
    expect(id).toMatch(new RegExp(`^${UUID}$`));
    expect(res.text).toBe(
      `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult>` +
        `<Arn>arn:aws:iam::${ACCOUNT}:user/admin</Arn><UserId>AIDAADMINEXAMPLE00001</UserId><Account>${ACCOUNT}</Account>` +
        `</GetCallerIdentityResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  });

  it("IAM: an action without output answers with ResponseMetadata alone", async () => {
    plane.createInstanceProfile({ name: "MyInPr" });
    const res = await post("iam", "Action=DeleteInstanceProfile&Version=2010-05-08&InstanceProfileName=MyInPr");
    expect(res.text).toMatch(new RegExp(`^<DeleteInstanceProfileResponse xmlns="${IAM_NS}"><ResponseMetadata><RequestId>${UUID}</RequestId></ResponseMetadata></DeleteInstanceProfileResponse>$`));
  });

  it("EC2: an XML declaration, the 2016-11-15 namespace, requestId first and <item> lists", async () => {
    plane.createInstanceProfile({ name: "MyInPr" });
    const { associationId } = plane.associateIamInstanceProfile(INSTANCE_ID, { name: "MyInPr" });
    const res = await post("ec2", `${DESCRIBE}&Filter.1.Name=instance-id&Filter.1.Value.1=${INSTANCE_ID}`);
    expect(res.text).toMatch(new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<DescribeIamInstanceProfileAssociationsResponse xmlns="${EC2_NS}"><requestId>${UUID}</requestId><iamInstanceProfileAssociationSet><item>`));
    expect(xmlText(res.text, "associationId")).toBe(associationId);
    expect(xmlText(res.text, "timestamp")).toBe("2026-11-29T08:00:00.000Z");
  });

  it("escapes every value, and URL-encodes policy documents as IAM does", async () => {
    const policy = '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}';
    const body = new URLSearchParams({ Action: "CreateRole", Version: "2010-05-08", RoleName: "R", AssumeRolePolicyDocument: policy, Description: `<b> & "q" 'a'` });
    const res = await post("iam", body.toString());
    expect(res.text).toContain("<Description>&lt;b&gt; &amp; &quot;q&quot; &apos;a&apos;</Description>");
    expect(xmlText(res.text, "AssumeRolePolicyDocument")).toBe(encodeURIComponent(policy));
  });

  it("GetRolePolicy: the document URL-encoded; ListRolePolicies: member names, IsTruncated, a Marker only when truncated", async () => {
    plane.createRole({ name: "R", assumeRolePolicyDocument: "{}" });
    const policy = '{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}';
    plane.putRolePolicy({ roleName: "R", policyName: "deny-all", document: policy });
    const got = await post("iam", "Action=GetRolePolicy&Version=2010-05-08&RoleName=R&PolicyName=deny-all");
    expect(got.text).toContain(`<GetRolePolicyResult><RoleName>R</RoleName><PolicyName>deny-all</PolicyName><PolicyDocument>${encodeURIComponent(policy)}</PolicyDocument></GetRolePolicyResult>`);
    const listed = await post("iam", "Action=ListRolePolicies&Version=2010-05-08&RoleName=R");
    expect(listed.text).toContain("<ListRolePoliciesResult><PolicyNames><member>deny-all</member></PolicyNames><IsTruncated>false</IsTruncated></ListRolePoliciesResult>");
    const bad = await post("iam", "Action=ListRolePolicies&Version=2010-05-08&RoleName=R&MaxItems=0");
    expect([bad.status, xmlText(bad.text, "Code")]).toEqual([400, "ValidationError"]);
  });

  it("reads parameters from a signed GET's query string too", async () => {
    const res = await signedRequest(api.url, { service: "sts", method: "GET", query: { Action: "GetCallerIdentity", Version: "2011-06-15" }, date: new Date(wall.now()) });
    expect([res.status, xmlText(res.text, "Account")]).toEqual([200, ACCOUNT]);
  });
});

describe("error envelopes and refusals", () => {
  it("a request without a signature: MissingAuthenticationToken 403, in the envelope its Version names", async () => {
    const sts = await unsigned(CALLER);
    expect(sts.status).toBe(403);
    expect(sts.text).toMatch(new RegExp(
      `^<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error><RequestId>${UUID}</RequestId></ErrorResponse>$`,
    ));
    expect((await unsigned("Action=GetRole&Version=2010-05-08&RoleName=R")).text).toContain(`<ErrorResponse xmlns="${IAM_NS}">`);
    const ec2 = await unsigned(DESCRIBE);
    expect(ec2.text).toMatch(new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<Response><Errors><Error><Code>MissingAuthenticationToken</Code><Message>[^<]+</Message></Error></Errors><RequestID>${UUID}</RequestID></Response>$`));
  });

  it("a garbled Authorization header: IncompleteSignature 403 naming what is missing", async () => {
    const res = await raw(api.url, "/", { method: "POST", headers: { authorization: "AWS4-HMAC-SHA256 Credential=AKIA/20261129/us-east-1/sts/aws4_request" }, body: CALLER });
    expect([res.status, xmlText(res.text, "Code")]).toEqual([403, "IncompleteSignature"]);
    expect(xmlText(res.text, "Message")).toBe("Authorization header requires 'SignedHeaders' parameter. Authorization header requires 'Signature' parameter.");
  });

  it("a signature dated more than 15 minutes off: 'Signature expired' from STS and IAM, RequestExpired from EC2", async () => {
    const stale = new Date(wall.now() - 16 * 60_000);
    const sts = await post("sts", CALLER, { date: stale });
    expect([sts.status, xmlText(sts.text, "Code")]).toEqual([403, "SignatureDoesNotMatch"]);
    expect(xmlText(sts.text, "Message")).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const ec2 = await post("ec2", DESCRIBE, { date: stale });
    expect([ec2.status, xmlText(ec2.text, "Code"), xmlText(ec2.text, "Message")]).toEqual([400, "RequestExpired", "Request has expired."]);
    expect((await post("sts", CALLER, { date: new Date(wall.now() - 14 * 60_000) })).status).toBe(200);
    expect(xmlText((await post("sts", CALLER, { date: new Date(wall.now() + 16 * 60_000) })).text, "Message")).toMatch(/^Signature not yet current: /);
  });

  it("an x-amz-date on another day than the credential scope: SignatureDoesNotMatch", async () => {
    const res = await post("sts", CALLER, { tamper: (h) => void (h["x-amz-date"] = "20200102T000000Z") });
    expect(xmlText(res.text, "Code")).toBe("SignatureDoesNotMatch");
    expect(xmlText(res.text, "Message")).toMatch(/^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\d{8}' != '20200102', from '20200102T000000Z'\.$/);
  });

  it("a body changed after signing, or a signed header changed: SignatureDoesNotMatch", async () => {
    const body = "Action=GetInstanceProfile&Version=2010-05-08&InstanceProfileName=MyInPr";
    const changed = await post("iam", body, { sendBody: body.replace("MyInPr", "Other0") });
    expect([changed.status, xmlText(changed.text, "Code")]).toEqual([403, "SignatureDoesNotMatch"]);
    const retyped = await post("iam", body, { tamper: (h) => void (h["content-type"] = "text/plain") });
    expect(xmlText(retyped.text, "Code")).toBe("SignatureDoesNotMatch");
  });

  it("a credential scoped to a service the port does not speak: SignatureDoesNotMatch", async () => {
    const res = await post("s3", CALLER);
    expect(xmlText(res.text, "Message")).toBe("Credential should be scoped to correct service: 'sts', 'iam' or 'ec2'. ");
  });

  it("an action the service lacks: InvalidAction 400, each service in its own words", async () => {
    const sts = await post("sts", "Action=Frobnicate&Version=2011-06-15");
    expect([sts.status, xmlText(sts.text, "Code"), xmlText(sts.text, "Message")]).toEqual([400, "InvalidAction", "Could not find operation Frobnicate for version 2011-06-15"]);
    const ec2 = await post("ec2", "Action=Frobnicate&Version=2016-11-15");
    expect(xmlText(ec2.text, "Message")).toBe("The action Frobnicate is not valid for this web service.");
    const elsewhere = await post("iam", CALLER);
    expect(xmlText(elsewhere.text, "Message")).toBe("Could not find operation GetCallerIdentity for version 2010-05-08");
  });

  it("a missing required parameter: ValidationError from IAM, MissingParameter from EC2", async () => {
    const iam = await post("iam", "Action=GetRole&Version=2010-05-08");
    expect([iam.status, xmlText(iam.text, "Code"), xmlText(iam.text, "Message")]).toEqual([
      400,
      "ValidationError",
      "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null",
    ]);
    const ec2 = await post("ec2", "Action=AssociateIamInstanceProfile&Version=2016-11-15&IamInstanceProfile.Name=MyInPr");
    expect([ec2.status, xmlText(ec2.text, "Code"), xmlText(ec2.text, "Message")]).toEqual([400, "MissingParameter", "The request must contain the parameter InstanceId"]);
  });

  it("the control plane's own errors keep their code and status", async () => {
    const res = await post("iam", "Action=GetRole&Version=2010-05-08&RoleName=Nope");
    expect([res.status, xmlText(res.text, "Type"), xmlText(res.text, "Code")]).toEqual([404, "Sender", "NoSuchEntity"]);
  });

  it("signed by the admin's long-term key with a session token it does not have: InvalidClientTokenId", async () => {
    const res = await post("sts", CALLER, { keys: { ...ADMIN, sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE" } });
    expect([res.status, xmlText(res.text, "Code")]).toEqual([403, "InvalidClientTokenId"]);
  });
});
