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

export async function startFakeAws(handler: Handler): Promise<FakeAws> {
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
      res.writeHead(answer.status, { "content-type": "text/xml", "x-amzn-requestid": "req-fake", ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** STS, IAM and EC2 all at `url`, as AWS_ENDPOINT_URL alone configures them. */
export const endpointsAt = (url: string): ConfiguredEndpoints => ({ sts: url, iam: url, ec2: url });
