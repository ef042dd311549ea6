/** The API port's pure parts, by table: the Authorization header, Query parameters, XML. */
import { describe, expect, it } from "vitest";
import { Params } from "../../../src/sim/aws/params.js";
import { parseAuthorization } from "../../../src/sim/aws/signature.js";
import { escapeXml, toXml } from "../../../src/sim/aws/xml.js";

const SIG = "a".repeat(64);

describe("parseAuthorization", () => {
  it.each([
    ["absent", undefined, { kind: "missing" }],
    ["blank", "  ", { kind: "missing" }],
    ["another algorithm", "AWS3 Credential=x", { kind: "incomplete", message: "Unsupported AWS 'algorithm': 'AWS3'" }],
    [
      "without Credential",
      `AWS4-HMAC-SHA256 SignedHeaders=host, Signature=${SIG}`,
      { kind: "incomplete", message: "Authorization header requires 'Credential' parameter." },
    ],
    ["a short scope", `AWS4-HMAC-SHA256 Credential=AKIA/20261129/sts/aws4_request, SignedHeaders=host, Signature=${SIG}`, { kind: "incomplete" }],
    ["upper-case signed headers", `AWS4-HMAC-SHA256 Credential=AKIA/20261129/us-east-1/sts/aws4_request, SignedHeaders=Host, Signature=${SIG}`, { kind: "incomplete" }],
    ["a short signature", "AWS4-HMAC-SHA256 Credential=AKIA/20261129/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc", { kind: "incomplete" }],
  ])("refuses %s", (_name, header, expected) => {
    expect(parseAuthorization(header)).toMatchObject(expected);
  });

  it.each([
    ["JS SDK spacing", `AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261129/eu-west-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${SIG}`],
    ["no spaces after commas", `AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261129/eu-west-1/iam/aws4_request,SignedHeaders=content-type;host;x-amz-date,Signature=${SIG}`],
  ])("reads the parts with %s", (_name, header) => {
    expect(parseAuthorization(header)).toEqual({
      accessKeyId: "ASIAEXAMPLE",
      scopeDate: "20261129",
      region: "eu-west-1",
      service: "iam",
      signedHeaders: ["content-type", "host", "x-amz-date"],
      signature: SIG,
    });
  });
});

describe("Params", () => {
  const params = new Params("ec2", [
    "Action=X&InstanceId.2=i-b&InstanceId.10=i-c",
    "InstanceId.1=i-a&Filter.2.Name=state&Filter.2.Value.1=associated&Filter.1.Name=instance-id&Filter.1.Value.2=i-2&Filter.1.Value.1=i-1",
  ]);

  it("reads numbered lists in number order, across the query string and the body", () => {
    expect(params.list("InstanceId")).toEqual(["i-a", "i-b", "i-c"]);
  });

  it("reads filters with their values, in filter order", () => {
    expect(params.filters()).toEqual([
      { name: "instance-id", values: ["i-1", "i-2"] },
      { name: "state", values: ["associated"] },
    ]);
  });

  it.each([
    ["ec2", "MissingParameter", "The request must contain the parameter RoleName"],
    ["iam", "ValidationError", "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null"],
  ] as const)("a missing required value, %s: %s", (service, code, message) => {
    expect(() => new Params(service, ["RoleName="]).required("RoleName")).toThrow(expect.objectContaining({ code, message, status: 400 }));
  });
});

describe("toXml", () => {
  it.each([
    ["text, escaped", "a<b>&\"'", "a&lt;b&gt;&amp;&quot;&apos;"],
    ["elements in key order", { B: "1", A: 2 }, "<B>1</B><A>2</A>"],
    ["a list repeats its element", { item: ["x", "y"] }, "<item>x</item><item>y</item>"],
    ["an empty list or object is an empty element", { Roles: { member: [] }, RoleLastUsed: {} }, "<Roles></Roles><RoleLastUsed></RoleLastUsed>"],
    ["undefined drops the element", { A: undefined, B: true }, "<B>true</B>"],
  ])("%s", (_name, value, xml) => {
    expect(toXml(value)).toBe(xml);
  });

  it("escapes every markup character", () => {
    expect(escapeXml("&amp;")).toBe("&amp;amp;");
  });
});
