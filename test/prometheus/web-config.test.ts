import { mkdtemp, rm } from "node:fs/promises";
import { renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { hashOf, makeTestPki, OPENSSL, type TestPki } from "../support/certs.js";
import { cleanEnv, eventsOf, startRolewatch, type Daemon } from "../support/cli.js";
import { eventually, startPrometheus, type PromServer } from "../support/prom-server.js";
import { findTool, requireTool } from "../support/require-tool.js";

/*
 * A real Prometheus scrapes `rolewatch run` served over TLS with basic auth from a web
 * configuration file (exporter-toolkit's format), as the README's scrape configuration says, and
 * four jobs that must be refused: no credentials, a wrong password, plain HTTP, and, after the
 * password is changed in the file on disk, the old password.
 */

const prometheus = findTool("prometheus", "apt-get install prometheus");
// Passwords no log line could hold by chance, so that finding one in the output means it leaked.
const FIRST = "first-pw-7c1e";
const SECOND = "second-pw-9a4d";

interface Target {
  labels: { job: string };
  health: "up" | "down" | "unknown";
  lastError: string;
}

const write = (file: string, text: string) => {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
};

describe("Prometheus scraping rolewatch through --web-config-file", () => {
  let pki: TestPki;
  let sim: Simulator | undefined;
  let agent: Daemon | undefined;
  let prom: PromServer | undefined;
  let stateDir = "";
  let webConfig = "";
  let passwordFile = "";

  const webConfigFor = (password: string) =>
    `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: "${hashOf(password)}"\n`;

  /** Every job's target health, once each has been scraped since `since`. */
  async function healthSince(since: number): Promise<Record<string, Target>> {
    return eventually(async () => {
      const res = await fetch(`${prom?.url}/api/v1/targets?state=active`);
      const body = (await res.json()) as { data: { activeTargets: (Target & { lastScrape: string })[] } };
      const targets = body.data.activeTargets;
      if (targets.length < 5 || targets.some((t) => Date.parse(t.lastScrape) <= since || t.health === "unknown")) return undefined;
      return Object.fromEntries(targets.map((t) => [t.labels.job, t]));
    }, "every job scraped", 30_000);
  }

  beforeAll(async () => {
    if (!prometheus.available || !OPENSSL.available) return;
    pki = makeTestPki();
    webConfig = join(pki.dir, "web.yml");
    passwordFile = join(pki.dir, "password");
    write(webConfig, webConfigFor(FIRST));
    write(passwordFile, FIRST);
    sim = await startSimulator({ awsPort: 0 });
    stateDir = await mkdtemp(join(tmpdir(), "rolewatch-web-"));
    agent = startRolewatch(
      ["run", "--listen", "127.0.0.1:0", "--poll-interval", "1s", "--state-dir", stateDir, "--web-config-file", webConfig],
      cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl }),
    );
    const line = await agent.waitForLine((l) => l.includes('"agent-started"'), 30_000);
    const url = new URL((JSON.parse(line) as { rolewatch: { config: { http: { url: string } } } }).rolewatch.config.http.url);
    expect(url.protocol).toBe("https:");
    const tls = { ca_file: pki.caFile };
    const job = (name: string, extra: object) => ({ job_name: name, static_configs: [{ targets: [url.host] }], ...extra });
    prom = await startPrometheus(YAML.stringify({
      global: { scrape_interval: "1s", scrape_timeout: "1s" },
      scrape_configs: [
        job("rolewatch", { scheme: "https", tls_config: tls, basic_auth: { username: "prometheus", password_file: passwordFile } }),
        job("old-password", { scheme: "https", tls_config: tls, basic_auth: { username: "prometheus", password: FIRST } }),
        job("no-credentials", { scheme: "https", tls_config: tls }),
        job("wrong-password", { scheme: "https", tls_config: tls, basic_auth: { username: "prometheus", password: "wrong" } }),
        job("plain-http", { scheme: "http", basic_auth: { username: "prometheus", password: FIRST } }),
      ],
    }));
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await agent?.stop();
    await sim?.close();
    if (stateDir !== "") await rm(stateDir, { recursive: true, force: true });
    pki?.remove();
  });

  it("scrapes over TLS with the password; refuses no credentials, a wrong password and plain HTTP; a password changed on disk holds at the next scrape", async (ctx) => {
    requireTool(ctx, prometheus);
    requireTool(ctx, OPENSSL);
    const before = await healthSince(Date.now());
    expect(before.rolewatch).toMatchObject({ health: "up", lastError: "" });
    expect(before["old-password"]?.health).toBe("up");
    expect(before["no-credentials"]).toMatchObject({ health: "down", lastError: expect.stringContaining("401") });
    expect(before["wrong-password"]).toMatchObject({ health: "down", lastError: expect.stringContaining("401") });
    expect(before["plain-http"]?.health).toBe("down");
    expect((await prom?.query('rolewatch_build_info{job="rolewatch"}'))?.length).toBe(1);

    const pid = agent?.pid;
    write(webConfig, webConfigFor(SECOND));
    write(passwordFile, SECOND);
    const after = await healthSince(Date.now());
    expect(after.rolewatch).toMatchObject({ health: "up", lastError: "" });
    expect(after["old-password"]).toMatchObject({ health: "down", lastError: expect.stringContaining("401") });
    expect(agent?.pid).toBe(pid);
    expect(eventsOf(agent as Daemon, "agent-started")).toHaveLength(1);
    const output = (agent?.lines.join("\n") ?? "") + (agent?.stderr() ?? "");
    expect(output).not.toMatch(new RegExp(`${FIRST}|${SECOND}|\\$2[aby]\\$`));
  });
});
