import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { closedPort } from "../imds/loopback.js";
import { cleanEnv, rolewatch } from "../support/cli.js";
import { contractProblems } from "../support/contract.js";

type SourceName = "imds" | "sts" | "profile" | "association";
type State = "fresh" | "stale" | "unknown" | "none";

interface Report {
  status: string;
  sources: Partial<Record<SourceName, { state: State; since?: string; reason?: string }>>;
  drifts: { kind: string }[];
}

/** What a row may do to the world before `check` runs: faults on the simulator, or endpoints of its own. */
interface Setup {
  sim: Simulator;
  refused: string;
  failing: string;
}

interface Row {
  name: string;
  setup: (s: Setup) => Record<string, string> | void;
  code: number;
  status: string;
  sources: Partial<Record<SourceName, State>>;
  /** Words the first line of the text report names. */
  headline?: RegExp;
}

const ALL_FRESH = { imds: "fresh", sts: "fresh", profile: "fresh", association: "fresh" } as const;
const AWS_UNKNOWN = { imds: "fresh", sts: "unknown", profile: "unknown", association: "unknown" } as const;

const ROWS: Row[] = [
  { name: "every source answers", setup: () => {}, code: 0, status: "ok", sources: ALL_FRESH },
  { name: "IMDS refuses connections", setup: (s) => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: s.refused }), code: 3, status: "unknown", sources: { imds: "unknown", sts: "unknown", profile: "unknown", association: "unknown" }, headline: /IMDS unknown: unreachable/ },
  { name: "IMDS answers 500", setup: (s) => s.sim.setFault({ kind: "status", status: 500 }), code: 3, status: "unknown", sources: { imds: "unknown" }, headline: /IMDS unknown: server-error/ },
  { name: "IMDS throttles (429)", setup: (s) => s.sim.setFault({ kind: "status", status: 429 }), code: 3, status: "unknown", sources: { imds: "unknown" }, headline: /IMDS unknown: throttled/ },
  { name: "STS refuses connections", setup: (s) => ({ AWS_ENDPOINT_URL_STS: s.refused }), code: 3, status: "unknown", sources: { ...ALL_FRESH, sts: "unknown" }, headline: /STS unknown: ECONNREFUSED/ },
  { name: "STS throttles", setup: (s) => s.sim.setApiFault({ service: "sts", kind: "throttle" }), code: 3, status: "unknown", sources: { ...ALL_FRESH, sts: "unknown" }, headline: /STS unknown: Throttling/ },
  { name: "STS answers 500", setup: (s) => ({ AWS_ENDPOINT_URL_STS: s.failing }), code: 3, status: "unknown", sources: { ...ALL_FRESH, sts: "unknown" }, headline: /STS unknown: .*HTTP 500/ },
  { name: "IAM refuses connections", setup: (s) => ({ AWS_ENDPOINT_URL_IAM: s.refused }), code: 3, status: "unknown", sources: { ...ALL_FRESH, profile: "unknown" }, headline: /IAM instance profile unknown: ECONNREFUSED/ },
  { name: "IAM throttles", setup: (s) => s.sim.setApiFault({ service: "iam", kind: "throttle" }), code: 3, status: "unknown", sources: { ...ALL_FRESH, profile: "unknown" }, headline: /IAM instance profile unknown: Throttling/ },
  { name: "IAM denies", setup: (s) => s.sim.setApiFault({ service: "iam", kind: "denied" }), code: 3, status: "unknown", sources: { ...ALL_FRESH, profile: "unknown" }, headline: /IAM instance profile unknown: AccessDenied/ },
  { name: "IAM answers 500", setup: (s) => ({ AWS_ENDPOINT_URL_IAM: s.failing }), code: 3, status: "unknown", sources: { ...ALL_FRESH, profile: "unknown" }, headline: /IAM instance profile unknown: .*HTTP 500/ },
  { name: "EC2 refuses connections", setup: (s) => ({ AWS_ENDPOINT_URL_EC2: s.refused }), code: 3, status: "unknown", sources: { ...ALL_FRESH, association: "unknown" }, headline: /EC2 association unknown: ECONNREFUSED/ },
  { name: "EC2 throttles", setup: (s) => s.sim.setApiFault({ service: "ec2", kind: "throttle" }), code: 3, status: "unknown", sources: { ...ALL_FRESH, association: "unknown" }, headline: /EC2 association unknown: RequestLimitExceeded/ },
  { name: "EC2 denies", setup: (s) => s.sim.setApiFault({ service: "ec2", kind: "denied" }), code: 3, status: "unknown", sources: { ...ALL_FRESH, association: "unknown" }, headline: /EC2 association unknown: UnauthorizedOperation/ },
  { name: "EC2 answers 500", setup: (s) => ({ AWS_ENDPOINT_URL_EC2: s.failing }), code: 3, status: "unknown", sources: { ...ALL_FRESH, association: "unknown" }, headline: /EC2 association unknown: .*HTTP 500/ },
  { name: "STS, IAM and EC2 refuse connections together", setup: (s) => ({ AWS_ENDPOINT_URL: s.refused }), code: 3, status: "unknown", sources: AWS_UNKNOWN, headline: /STS unknown: .*; IAM instance profile unknown: .*; EC2 association unknown: / },
  {
    name: "STS throttles, IAM denies and EC2 answers 500 together",
    setup: (s) => {
      s.sim.setApiFault({ service: "sts", kind: "throttle" });
      s.sim.setApiFault({ service: "iam", kind: "denied" });
      return { AWS_ENDPOINT_URL_EC2: s.failing };
    },
    code: 3,
    status: "unknown",
    sources: AWS_UNKNOWN,
  },
  { name: "only IMDS configured (no AWS endpoint reachable)", setup: () => ({ AWS_ENDPOINT_URL: "" }), code: 3, status: "unknown", sources: AWS_UNKNOWN },
  { name: "no credentials served: STS, IAM and EC2 have nothing to ask", setup: (s) => s.sim.deliver(null), code: 0, status: "ok", sources: { imds: "fresh", sts: "none", profile: "none", association: "none" } },
  {
    name: "no instance profile attached: IAM and EC2 have nothing to return",
    setup: (s) => {
      const [association] = s.sim.controlPlane.describeIamInstanceProfileAssociations({ instanceIds: [s.sim.instanceId] });
      s.sim.controlPlane.disassociateIamInstanceProfile(association?.associationId ?? "");
    },
    code: 0,
    status: "ok",
    sources: { imds: "fresh", sts: "none", profile: "none", association: "none" },
  },
  {
    name: "nothing can be read: IMDS and every AWS API refuse connections",
    setup: (s) => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: s.refused, AWS_ENDPOINT_URL: s.refused }),
    code: 3,
    status: "unknown",
    sources: { imds: "unknown", sts: "unknown", profile: "unknown", association: "unknown" },
    headline: /IMDS unknown: unreachable reading \/latest\/api\/token; STS unknown/,
  },
  {
    name: "a critical drift shows while EC2 cannot be read: CRITICAL, not UNKNOWN",
    setup: (s) => {
      s.sim.controlPlane.removeRoleFromInstanceProfile("MyInPr", "RedRole");
      s.sim.controlPlane.addRoleToInstanceProfile("MyInPr", "BlueRole");
      s.sim.setApiFault({ service: "ec2", kind: "throttle" });
    },
    code: 2,
    status: "critical",
    sources: { ...ALL_FRESH, association: "unknown" },
    headline: /profile_role_mismatch; not fresh: EC2 association unknown/,
  },
];

describe("check names each source that could not be read, and is never OK then", () => {
  let sim: Simulator;
  let failing: Server;
  let failingUrl: string;
  beforeAll(async () => {
    // An endpoint that answers every request with a 5xx, as an AWS outage does.
    failing = createServer((_req, res) => res.writeHead(500, { "content-type": "text/xml" }).end("<ErrorResponse><Error><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>"));
    await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
    failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => failing.close(resolve)));
  afterEach(() => sim.close());

  it.each(ROWS)("$name: exit $code", async (row) => {
    sim = await startSimulator({ awsPort: 0 });
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const extra = row.setup({ sim, refused, failing: failingUrl }) ?? {};
    const env = cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl, ...extra });
    if (env.AWS_ENDPOINT_URL === "") delete env.AWS_ENDPOINT_URL;
    const [json, text] = await Promise.all([rolewatch(["check", "--json"], env), rolewatch(["check"], env)]);
    const report = JSON.parse(json.stdout) as Report;
    expect(contractProblems(report)).toEqual([]);
    expect({ code: json.code, status: report.status }).toEqual({ code: row.code, status: row.status });
    expect(text.code).toBe(row.code);
    const states = Object.fromEntries(Object.entries(report.sources).map(([name, s]) => [name, s.state]));
    expect(states).toMatchObject(row.sources);
    for (const s of Object.values(report.sources)) if (s.state !== "fresh") expect(s.reason).toBeTruthy();
    const first = text.stdout.split("\n")[0] ?? "";
    if (row.code === 3) expect(first).toMatch(/^ROLEWATCH UNKNOWN - not fresh: /);
    if (row.headline) expect(first).toMatch(row.headline);
  }, 30_000);

  it("a bad endpoint value is a configuration error at start: exit 3, no report", async () => {
    const { code, stdout, stderr } = await rolewatch(["check", "--json"], cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:1", AWS_ENDPOINT_URL: "garbage" }));
    expect({ code, stdout }).toEqual({ code: 3, stdout: "" });
    expect(stderr).toContain('aws.endpoint: invalid value "garbage" from env AWS_ENDPOINT_URL');
  });
});
