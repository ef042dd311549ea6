/**
 * The whole agent, as `run` builds it (real metrics, real log events), on a manual clock,
 * watching a loopback IMDS and a loopback AWS that a test tells what to answer: for what the
 * simulator does not model. AWS's Date header follows the manual clock, `skewMs` off it.
 */
import type { Agent } from "../../src/agent/agent.js";
import type { CheckReport } from "../../src/agent/report.js";
import { buildAgent } from "../../src/agent/wire.js";
import { isoSeconds, ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { createEvents } from "../../src/observe/events.js";
import { createMetrics, type Metrics } from "../../src/observe/metrics.js";
import { startFakeImds, type FakeImds } from "../imds/loopback.js";
import { associationsXml, callerIdentityXml, IAM_NS, instanceProfileXml, queryErrorXml } from "./aws-bodies.js";
import { startFakeAws, type Answer, type FakeAws, type QueryRequest } from "./aws-loopback.js";
import type { LoggedEvent } from "./field.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const INSTANCE = "i-0123456789abcdef0";
export const ACCOUNT = "123456789012";
export const PROFILE_ARN = `arn:aws:iam::${ACCOUNT}:instance-profile/MyInPr`;
export const PROFILE_ID = "AIPAMYINPR00000000001";
export const PROFILE_ID_AGAIN = "AIPAMYINPR00000000002";
export const ROLE_ID = "AROAREDREDREDREDRED01";
export const ASSOCIATION_ID = "iip-assoc-0123456789abcdef0";
/** The monitoring principal's key, for `controlPlane.credentials: environment`. */
export const MONITOR_KEY = "AKIAMONITORMONITOR01";

const IAM = "/latest/meta-data/iam/";

/** `iam`: GetInstanceProfile; `rolePolicy`: IAM GetRolePolicy. */
export type Answers = Record<"sts" | "iam" | "ec2" | "rolePolicy", (req: QueryRequest) => Answer>;

/** What IAM and EC2 hold when nothing was changed: MyInPr (PROFILE_ID) holds RedRole, and is associated; RedRole has no inline policy. */
export const healthy: Answers = {
  sts: () => ({ status: 200, body: callerIdentityXml({ arn: `arn:aws:sts::${ACCOUNT}:assumed-role/RedRole/${INSTANCE}`, userId: `${ROLE_ID}:${INSTANCE}`, account: ACCOUNT }) }),
  iam: () => ({ status: 200, body: profileXml(PROFILE_ID) }),
  ec2: () => ({ status: 200, body: associationsXml([{ associationId: ASSOCIATION_ID, instanceId: INSTANCE, arn: PROFILE_ARN, id: PROFILE_ID, state: "associated" }]) }),
  rolePolicy: (req) => ({ status: 404, body: queryErrorXml("NoSuchEntity", `The role policy with name ${req.params.get("PolicyName") ?? ""} cannot be found.`, IAM_NS) }),
};

/** GetRolePolicy of RedRole's AWSRevokeOlderSessions, revoking sessions issued before `before` (docs/wire.md, Revoked sessions). */
export function revocationXml(before: number): string {
  const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: { DateLessThan: { "aws:TokenIssueTime": isoSeconds(before) } } }] });
  return `<GetRolePolicyResponse xmlns="${IAM_NS}"><GetRolePolicyResult><PolicyName>AWSRevokeOlderSessions</PolicyName><RoleName>RedRole</RoleName>`
    + `<PolicyDocument>${encodeURIComponent(document)}</PolicyDocument></GetRolePolicyResult><ResponseMetadata><RequestId>r-4</RequestId></ResponseMetadata></GetRolePolicyResponse>`;
}

/** GetInstanceProfile of MyInPr with `id`, holding RedRole. */
export function profileXml(id: string): string {
  return instanceProfileXml({ name: "MyInPr", id, arn: PROFILE_ARN, roles: [{ name: "RedRole", id: ROLE_ID, arn: `arn:aws:iam::${ACCOUNT}:role/RedRole` }] });
}

export class AgentField {
  readonly lines: string[] = [];
  readonly answers: Answers = { ...healthy };
  /** AWS's clock against the agent's: the Date header of every answer is the manual clock plus this. */
  skewMs = 0;
  agent!: Agent;
  metrics!: Metrics;
  aws!: FakeAws;

  private constructor(readonly clock: ManualClock, readonly imds: FakeImds, readonly routes: Record<string, string>) {}

  /** `monitor`: IAM and EC2 are read as a monitoring principal (controlPlane.credentials: environment). */
  static async start(options: { monitor?: boolean } = {}): Promise<AgentField> {
    const clock = new ManualClock("2026-11-29T08:00:00Z");
    const routes: Record<string, string> = {};
    const field = new AgentField(clock, await startFakeImds({ routes }), routes);
    const answer = (req: QueryRequest) => field.answers[req.action === "GetRolePolicy" ? "rolePolicy" : (req.service as "sts" | "iam" | "ec2")](req);
    field.aws = await startFakeAws(answer, { date: () => clock.now() + field.skewMs });
    field.profileId(PROFILE_ID);
    field.serve("ASIAREDKEY0000000001", clock.now() - 10 * MINUTE);
    routes[`${IAM}security-credentials/`] = "RedRole";
    routes["/latest/dynamic/instance-identity/document"] = JSON.stringify({ accountId: ACCOUNT, region: "eu-west-1", instanceId: INSTANCE });
    const monitor = options.monitor ? { AWS_ACCESS_KEY_ID: MONITOR_KEY, AWS_SECRET_ACCESS_KEY: "monitorSecretKeyEXAMPLEmonitorSecretKey0" } : {};
    const env = { AWS_ENDPOINT_URL: field.aws.url, ...monitor };
    const argv = ["--imds-endpoint", field.imds.url, "--state-dir", "/nonexistent/rolewatch-agent-field", ...(options.monitor ? ["--control-plane-credentials", "environment"] : [])];
    const { config } = loadConfig({ argv, env, readFile: () => null });
    field.metrics = createMetrics({ version: "test" });
    const events = createEvents({ clock, version: "test", level: "debug", destination: { write: (s: string) => void field.lines.push(s) } });
    field.agent = buildAgent(config, { clock, env, random: () => 0.5, publish: { metrics: field.metrics, events, persist: false } });
    return field;
  }

  /** iam/info names MyInPr with this InstanceProfileId. */
  profileId(id: string): void {
    this.routes[`${IAM}info`] = JSON.stringify({ Code: "Success", LastUpdated: isoSeconds(this.clock.now()), InstanceProfileArn: PROFILE_ARN, InstanceProfileId: id });
  }

  /** IMDS serves RedRole's credentials with this AccessKeyId, issued (LastUpdated) at `lastUpdated`. */
  serve(accessKeyId: string, lastUpdated: number): void {
    this.routes[`${IAM}security-credentials/RedRole`] = JSON.stringify({
      Code: "Success", LastUpdated: isoSeconds(lastUpdated), Type: "AWS-HMAC", AccessKeyId: accessKeyId,
      SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Token: "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN", Expiration: isoSeconds(lastUpdated + 6 * HOUR),
    });
  }

  poll(): Promise<CheckReport> {
    return this.agent.poll();
  }

  /** Polls every `interval` of fake time for `duration`; the last report. */
  async run(duration: number, interval = 15_000): Promise<CheckReport> {
    for (let t = 0; t < duration; t += interval) {
      await this.agent.poll();
      this.clock.advance(interval);
    }
    return this.agent.poll();
  }

  /** The AWS calls made, as `service Action`, and who signed them. */
  calls(service?: string): QueryRequest[] {
    return this.aws.requests.filter((r) => service === undefined || r.service === service);
  }

  events(action?: string): LoggedEvent[] {
    const all = this.lines.map((l) => JSON.parse(l) as LoggedEvent);
    return action === undefined ? all : all.filter((e) => e.event.action === action);
  }

  async value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const metric = await this.metrics.registry.getSingleMetric(name)?.get();
    return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))?.value;
  }

  async close(): Promise<void> {
    await this.imds.close();
    await this.aws.close();
  }
}

export const kinds = (r: CheckReport): string[] => r.drifts.map((d) => d.kind);
