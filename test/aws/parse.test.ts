import { describe, expect, it } from "vitest";
import {
  parseAssociations, parseCallerIdentity, parseErrorEnvelope, parseInstanceProfile, pickAssociation, ShapeError,
  type AssociationView,
} from "../../src/aws/parse.js";
import { parseXml, XmlError } from "../../src/aws/xml.js";
import {
  ec2ErrorXml, IAM_NS, PROTOCOL_ASSOCIATIONS, PROTOCOL_CALLER_IDENTITY, PROTOCOL_INSTANCE_PROFILE, queryErrorXml,
} from "../support/aws-bodies.js";

describe("the XML reader", () => {
  it("reads elements, text, entities, CDATA and skips the prolog, comments and attributes", () => {
    const root = parseXml(`\uFEFF<?xml version="1.0"?>\n<!-- c --><A xmlns="x" b='1'><B>a &amp; &lt;b&gt; &quot;c&quot; &apos;d&apos; &#65;&#x42;&#x10FFFF;&#9;</B><C/><D><![CDATA[<raw>&amp;]]></D></A>\n`);
    expect(root.name).toBe("A");
    expect(root.children.map((c) => [c.name, c.text])).toEqual([["B", `a & <b> "c" 'd' AB\u{10FFFF}\t`], ["C", ""], ["D", "<raw>&amp;"]]);
  });

  it.each([
    ["", "no root element"],
    ["<A>", "not closed"],
    ["<A></B>", "unexpected </B>"],
    ["<A/><B/>", "a second root element"],
    ["text<A/>", "text outside"],
    [`<!DOCTYPE A [<!ENTITY x "y">]><A>&x;</A>`, "DOCTYPE"],
    ["<A>&bogus;</A>", "unknown entity"],
    ["<A>&#x110000;</A>", "names no XML character"],
    ["<A>&#99999999;</A>", "names no XML character"],
    ["<A>&#1114112;</A>", "names no XML character"],
    [`<A>&#${"9".repeat(40)};</A>`, "names no XML character"],
    ["<A>&#0;</A>", "names no XML character"],
    ["<A>&#xD800;</A>", "names no XML character"],
    ["<A>&#xFFFF;</A>", "names no XML character"],
    ["<A><!-- never closed</A>", "unterminated"],
  ])("refuses %j (%s)", (xml, why) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
    expect(() => parseXml(xml)).toThrow(why);
  });
});

describe("the Query answers, exactly as docs/wire.md writes them", () => {
  it("GetCallerIdentity (4.2)", () => {
    expect(parseCallerIdentity(parseXml(PROTOCOL_CALLER_IDENTITY))).toEqual({
      arn: "arn:aws:sts::123456789012:assumed-role/my-ec2-role/i-0123456789abcdef0",
      userId: "AROA3XFRBF535PLBIFPI4:i-0123456789abcdef0",
      account: "123456789012",
    });
  });

  it("GetInstanceProfile (4.4)", () => {
    expect(parseInstanceProfile(parseXml(PROTOCOL_INSTANCE_PROFILE))).toEqual({
      name: "my-profile",
      arn: "arn:aws:iam::123456789012:instance-profile/my-profile",
      id: "AIPAD5ARO2C5EXAMPLE3G",
      roles: [{ name: "my-ec2-role", id: "AROA3XFRBF535PLBIFPI4", arn: "arn:aws:iam::123456789012:role/my-ec2-role" }],
    });
  });

  it("GetInstanceProfile of a profile that holds no role: <Roles/>", () => {
    const xml = PROTOCOL_INSTANCE_PROFILE.replace(/<Roles>[\s\S]*<\/Roles>/, "<Roles/>");
    expect(parseInstanceProfile(parseXml(xml)).roles).toEqual([]);
  });

  it("DescribeIamInstanceProfileAssociations (4.5), list element iamInstanceProfileAssociationSet", () => {
    expect(parseAssociations(parseXml(PROTOCOL_ASSOCIATIONS))).toEqual({
      associations: [{ associationId: "iip-assoc-0db249b1f25fa24b8", arn: "arn:aws:iam::123456789012:instance-profile/my-profile", id: "AIPAD5ARO2C5EXAMPLE3G", state: "associated" }],
      nextToken: null,
    });
  });

  it("DescribeIamInstanceProfileAssociations with nothing associated", () => {
    const xml = PROTOCOL_ASSOCIATIONS.replace(/<iamInstanceProfileAssociationSet>[\s\S]*<\/iamInstanceProfileAssociationSet>/, "<iamInstanceProfileAssociationSet/>");
    expect(parseAssociations(parseXml(xml)).associations).toEqual([]);
  });

  it.each([
    ["another action's answer", () => parseCallerIdentity(parseXml(PROTOCOL_INSTANCE_PROFILE)), "expected <GetCallerIdentityResponse>"],
    ["a missing Arn", () => parseCallerIdentity(parseXml(PROTOCOL_CALLER_IDENTITY.replace(/<Arn>.*<\/Arn>/, ""))), "missing <Arn>"],
    ["a role without RoleId", () => parseInstanceProfile(parseXml(PROTOCOL_INSTANCE_PROFILE.replace(/<RoleId>.*<\/RoleId>/, ""))), "missing <RoleId>"],
    ["an unknown association state", () => parseAssociations(parseXml(PROTOCOL_ASSOCIATIONS.replace(">associated<", ">attached<"))), "<state> is not an association state"],
  ])("refuses %s", (_what, read, why) => {
    expect(read).toThrow(ShapeError);
    expect(read).toThrow(why);
  });
});

describe("the error envelopes", () => {
  it("Query (STS, IAM; 4.3): Code, Message, RequestId", () => {
    expect(parseErrorEnvelope(parseXml(queryErrorXml("ExpiredToken", "The security token included in the request is expired")))).toEqual({
      code: "ExpiredToken", message: "The security token included in the request is expired", requestId: "4fc0d3ee-efef-11e9-9282-3b7bffe54a9b",
    });
    expect(parseErrorEnvelope(parseXml(queryErrorXml("NoSuchEntity", "Instance Profile my-profile cannot be found.", IAM_NS)))?.code).toBe("NoSuchEntity");
  });

  it("EC2 (4.5): <Response><Errors><Error>, RequestID with a capital D", () => {
    expect(parseErrorEnvelope(parseXml(ec2ErrorXml("RequestLimitExceeded", "Request limit exceeded.")))).toEqual({
      code: "RequestLimitExceeded", message: "Request limit exceeded.", requestId: "0c6d2e1e-6b1a-4a4e-9b43-5d2c7b9f1a2b",
    });
  });

  it.each(["<html><body>Bad Gateway</body></html>", "<ErrorResponse><Error><Message>m</Message></Error></ErrorResponse>"])("is not read from %j", (xml) => {
    expect(parseErrorEnvelope(parseXml(xml))).toBeNull();
  });
});

describe("the association that counts when EC2 lists several", () => {
  const a = (state: AssociationView["state"], id: string = state): AssociationView => ({ associationId: `iip-assoc-${id}`, arn: `arn:aws:iam::1:instance-profile/${id}`, id, state });
  it.each([
    [[], null],
    [[a("disassociated")], "disassociated"],
    [[a("disassociated"), a("associated")], "associated"],
    [[a("disassociated"), a("associating")], "associating"],
    [[a("disassociating"), a("associating")], "associating"],
    [[a("associating"), a("associated")], "associated"],
    [[a("disassociated", "x"), a("disassociating")], "disassociating"],
  ])("%j -> %s", (list, state) => {
    expect(pickAssociation(list)?.state ?? null).toBe(state);
  });
});
