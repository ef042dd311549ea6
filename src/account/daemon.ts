/**
 * `rolewatch account`, up to its first cycle: configuration, the monitoring principal, one
 * principal per account, the reader, metrics, events and the HTTP server.
 */
import type { Clock } from "../clock.js";
import { loadConfig, NOT_READ_BY, type Config } from "../config.js";
import type { Env } from "../config/env.js";
import { ConfigError, RolewatchError } from "../errors.js";
import { readIdentity } from "../imds/read.js";
import { ImdsSession } from "../imds/session.js";
import { createAccountEvents, type AccountEvents } from "../observe/account-events.js";
import { createAccountMetrics } from "../observe/account-metrics.js";
import { startHttpServer, type HttpServer } from "../observe/http.js";
import { VERSION } from "../version.js";
import { accountApi } from "./api.js";
import { AccountLoop } from "./loop.js";
import { environmentCredentials, imdsCredentials, principalsOf } from "./principals.js";
import { AccountReader } from "./reader.js";
import { statusOf } from "./status.js";

export interface AccountExporter {
  config: Config;
  regions: string[];
  events: AccountEvents;
  http: HttpServer;
  /** Not started: `rolewatch account` starts it; a test ticks it itself. */
  loop: AccountLoop;
}

export async function startAccountExporter(input: { argv: readonly string[]; env: Env; clock: Clock; random?: () => number }): Promise<AccountExporter> {
  const { clock, env } = input;
  const { config, warnings } = loadConfig({ argv: input.argv, env, unused: { command: "account", keys: NOT_READ_BY.account } });
  const source = config.account.credentials;
  if (source === null) {
    throw new ConfigError(["account.credentials: not set; say which principal signs the calls: environment (AWS_ACCESS_KEY_ID, …) or imds (the host's role)"]);
  }
  const events = createAccountEvents({ clock, version: VERSION, level: config.log.level });
  for (const warning of warnings) events.warn("config-warning", warning);
  const imds = new ImdsSession({ endpoint: config.imds.endpoint, clock, tokenTtlSeconds: config.imds.tokenTtlSeconds, timeoutMs: config.imds.timeoutMs, allowV1: config.imds.allowV1 });
  const base = source === "environment" ? environmentCredentials(env) : imdsCredentials(imds);
  const regions = await regionsOf(config, imds);
  const [home = ""] = regions;
  const api = accountApi({ clock, region: home, endpoints: config.aws.endpoints });
  const reader = new AccountReader({
    clock, random: input.random ?? Math.random, api, principals: principalsOf(config.account.assumeRoles, base, api), regions, intervalMs: config.account.intervalMs,
  });
  const metrics = createAccountMetrics({ version: VERSION });
  metrics.show(reader.views);
  const loop = new AccountLoop({
    clock,
    reader,
    publish: ({ calls, changes }) => {
      for (const call of calls) metrics.counted(call);
      for (const change of changes) events.change(change);
      metrics.show(reader.views);
    },
    failed: (error) => events.error("cycle-error", "account cycle failed", error),
  });
  const http = await startHttpServer({
    host: config.account.listen.host,
    port: config.account.listen.port,
    metrics: () => metrics.text(),
    ready: () => loop.cycles > 0,
    status: () => (loop.cycles > 0 ? statusOf(reader.views) : null),
    limits: { maxConnections: config.http.maxConnections },
    webConfigFile: config.http.webConfigFile,
    onWebConfigProblem: (problems) => events.warn("web-config-problem", `requests fail with 500 until the web config file is mended: ${problems.join("; ")}`),
  });
  const shown = { account: { ...config.account, regions }, region: home, aws: config.aws, imds: config.imds, http: { url: http.url, maxConnections: config.http.maxConnections, webConfigFile: config.http.webConfigFile } };
  events.started({ version: VERSION, config: shown });
  return { config, regions, events, http, loop };
}

/** account.regions, else `region`, else the region of the host's identity document. */
async function regionsOf(config: Config, imds: ImdsSession): Promise<string[]> {
  if (config.account.regions.length > 0) return config.account.regions;
  if (config.region !== null) return [config.region];
  try {
    return [(await readIdentity(imds)).region];
  } catch (error) {
    throw new RolewatchError(`account.regions is not set, nor region, and the host's identity document cannot be read at ${config.imds.endpoint}: ${(error as Error).message}`, { cause: error });
  }
}
