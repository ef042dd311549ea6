/**
 * A real loopback server that answers AWS Query calls as a test tells it to,
 * and records what came on the wire (service and region from the SigV4 scope).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConfiguredEndpoints } from "../../src/aws/endpoints.js";

export interface QueryRequest {
  service: string;
  region: string;
  accessKeyId: string;
  action: string;
  params: URLSearchParams;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export type Handler = (req: QueryRequest) => Answer;

export interface FakeAws {
  url: string;
  requests: QueryRequest[];
  handler: Handler;
  /** Requests of one service, e.g. `calls("iam")`. */
  calls(service: string): QueryRequest[];
  close(): Promise<void>;
}

const SCOPE = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * `date`: the fake's own clock, sent as each answer's Date header (default: Node's, real time), so
 * that a test on a manual clock can put AWS's clock where it wants it against the agent's.
 */
export async function startFakeAws(handler: Handler, options: { date?: () => number } = {}): Promise<FakeAws> {
  const fake: FakeAws = {
    url: "",
    requests: [],
    handler,
    calls: (service) => fake.requests.filter((r) => r.service === service),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const params = new URLSearchParams(body);
      const [, accessKeyId = "", region = "", service = ""] = SCOPE.exec(req.headers.authorization ?? "") ?? [];
      const request = { service, region, accessKeyId, action: params.get("Action") ?? "", params, path: req.url ?? "", headers: req.headers, body };
      fake.requests.push(request);
      const answer = fake.handler(request);
      const date = options.date ? { date: new Date(options.date()).toUTCString() } : {};
      res.sendDate = options.date === undefined;
      res.writeHead(answer.status, { "content-type": "text/xml", "x-amzn-requestid": "req-fake", ...date, ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** STS, IAM and EC2 all at `url`, as AWS_ENDPOINT_URL alone configures them. */
export const endpointsAt = (url: string): ConfiguredEndpoints => ({ sts: url, iam: url, ec2: url });
