/**
 * An AwsObserver calling a loopback fake AWS that answers success by default
 * and whatever a test sets; its calls folded into control-plane health and
 * published to real metrics and real log events, as a poll does.
 */
import { awsMetrics, publishEvent } from "../../src/agent/publish.js";
import { AwsObserver, type AwsObserverOptions, type ObserveInput } from "../../src/aws/index.js";
import { ManualClock } from "../../src/clock.js";
import { foldHealth, type ControlPlaneHealth } from "../../src/drift/health.js";
import { createEvents } from "../../src/observe/events.js";
import { createMetrics, type Metrics } from "../../src/observe/metrics.js";
import { Secret } from "../../src/secret.js";
import { associationsXml, callerIdentityXml, instanceProfileXml } from "./aws-bodies.js";
import { endpointsAt, startFakeAws, type Answer, type FakeAws, type QueryRequest } from "./aws-loopback.js";

export const MIN = 60_000;
export const INSTANCE = "i-0123456789abcdef0";
export const ACCOUNT = "123456789012";
export const PROFILE_ARN = `arn:aws:iam::${ACCOUNT}:instance-profile/team/MyInPr`;
export const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQDexampletoken==";

export function served(accessKeyId = "ASIAIOSFODNN7EXAMPLE") {
  return { accessKeyId, secretAccessKey: new Secret(SECRET), sessionToken: new Secret(TOKEN) };
}

export const ok = {
  sts: (): Answer => ({
    status: 200,
    body: callerIdentityXml({ arn: `arn:aws:sts::${ACCOUNT}:assumed-role/RedRole/${INSTANCE}`, userId: `AROAREDREDREDREDRED01:${INSTANCE}`, account: ACCOUNT }),
  }),
  iam: (): Answer => ({
    status: 200,
    body: instanceProfileXml({ name: "MyInPr", id: "AIPAEXAMPLEEXAMPLE01", arn: PROFILE_ARN, roles: [{ name: "RedRole", id: "AROAREDREDREDREDRED01", arn: `arn:aws:iam::${ACCOUNT}:role/RedRole` }] }),
  }),
  ec2: (): Answer => ({
    status: 200,
    body: associationsXml([{ associationId: "iip-assoc-0123456789abcdef0", instanceId: INSTANCE, arn: PROFILE_ARN, id: "AIPAEXAMPLEEXAMPLE01", state: "associated" }]),
  }),
};

export type Answers = Record<"sts" | "iam" | "ec2", (req: QueryRequest) => Answer>;

export interface Harness {
  clock: ManualClock;
  fake: FakeAws;
  answers: Answers;
  observer: AwsObserver;
  metrics: Metrics;
  raw: string[];
  actions(): string[];
  value(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  observe(input?: Partial<ObserveInput>): ReturnType<AwsObserver["observe"]>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<AwsObserverOptions> = {}): Promise<Harness> {
  const clock = new ManualClock("2026-11-29T08:00:00Z");
  const answers: Answers = { ...ok };
  const fake = await startFakeAws((req) => answers[req.service as keyof Answers](req));
  const metrics = createMetrics({ version: "0.0.0-test" });
  const raw: string[] = [];
  const events = createEvents({ clock, version: "0.0.0-test", destination: { write: (s: string) => void raw.push(s) } });
  const observer = new AwsObserver({
    clock, random: () => 0.5, region: "eu-west-1", instanceId: INSTANCE, stsIntervalMs: 15 * MIN, controlPlaneIntervalMs: 5 * MIN,
    association: true, endpoints: endpointsAt(fake.url), timeoutMs: 2000, ...options,
  });
  let health: ControlPlaneHealth = {};
  return {
    clock, fake, answers, observer, metrics, raw,
    actions: () => raw.map((s) => (JSON.parse(s) as { event: { action?: string } }).event.action ?? ""),
    async value(name, labels = {}) {
      const metric = await metrics.registry.getSingleMetric(name)?.get();
      const match = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
      return match?.value;
    },
    async observe(input = {}) {
      const aws = await observer.observe({ credentials: served(), profileArn: PROFILE_ARN, imdsChanged: false, accessKeyIdChanged: false, ...input });
      const folded = foldHealth(health, aws.calls);
      health = folded.health;
      awsMetrics(metrics, aws, health);
      for (const e of folded.events) publishEvent(events, metrics, e, null);
      return aws;
    },
    close: () => fake.close(),
  };
}
