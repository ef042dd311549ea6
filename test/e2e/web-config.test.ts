import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { hashOf } from "../support/certs.js";
import { cleanEnv, eventsOf, rolewatch, startRolewatch, type Daemon } from "../support/cli.js";
import { eventually } from "../support/prom-server.js";

const PASSWORD = "scrape-pw-31f0";
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

describe("--web-config-file on the commands", () => {
  let dir: string;
  let sim: Simulator;
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    return file;
  };
  const goodFile = () => write("web.yml", `basic_auth_users:\n  prometheus: "${hashOf(PASSWORD)}"\n`);
  /** The status of `path` with the right credentials, none, or a wrong password. */
  const statuses = async (url: string, path = "/healthz") => ({
    right: (await fetch(url + path, { headers: basic("prometheus", PASSWORD) })).status,
    none: (await fetch(url + path)).status,
    wrong: (await fetch(url + path, { headers: basic("prometheus", "nope") })).status,
  });
  const urlOf = async (daemon: Daemon, action: string) =>
    (JSON.parse(await daemon.waitForLine((l) => l.includes(`"${action}"`), 30_000)) as { rolewatch: { config: { http: { url: string } } } }).rolewatch.config.http.url;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rolewatch-webcfg-"));
    sim = await startSimulator({ awsPort: 0 });
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stops run with exit 3 on a bad file, naming each key and showing no hash", async () => {
    const file = write("bad.yml", `tls_server_config:\n  cert_file: none.crt\n  key_file: none.key\n  min_version: TLS14\nbasic_auth_users:\n  prometheus: "$2y$10$tooshort"\nhttp_server_config:\n  http3: true\n`);
    const { code, stderr } = await rolewatch(["run", "--listen", "127.0.0.1:0", "--state-dir", dir, "--web-config-file", file]);
    expect(code).toBe(3);
    for (const key of ["tls_server_config.min_version", 'basic_auth_users."prometheus"', "http_server_config.http3: unknown key"]) expect(stderr).toContain(key);
    expect(stderr).not.toContain("tooshort");
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("is checked by config check through the configuration file that names it", async () => {
    const good = write("good-config.yaml", `http:\n  webConfigFile: ${goodFile()}\n`);
    expect(await rolewatch(["config", "check", good])).toMatchObject({ code: 0, stdout: `${good}: valid\n` });
    const webBad = write("web-bad.yml", "tls_server_config:\n  cert_file: x.crt\n");
    const bad = write("bad-config.yaml", `http:\n  webConfigFile: ${webBad}\n`);
    const { code, stderr } = await rolewatch(["config", "check", bad]);
    expect(code).toBe(3);
    expect(stderr).toContain(`web config file ${webBad}: tls_server_config: missing one of key or key_file`);
  });

  it("is refused by check, which serves nothing", async () => {
    const { code, stderr } = await rolewatch(["check", "--web-config-file", goodFile()]);
    expect(code).toBe(3);
    expect(stderr).toContain("--web-config-file: rolewatch check does not use http.webConfigFile (only rolewatch run and rolewatch account do)");
  });

  it("guards run's endpoints; a file turned bad fails requests with 500 and one web-config-problem event, until it is mended", async () => {
    const file = goodFile();
    const agent = startRolewatch(
      ["run", "--listen", "127.0.0.1:0", "--poll-interval", "1s", "--state-dir", mkdtempSync(join(dir, "state-")), "--web-config-file", file],
      cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsUrl, AWS_ENDPOINT_URL: sim.awsUrl }),
    );
    try {
      const url = await urlOf(agent, "agent-started");
      expect(await statuses(url)).toEqual({ right: 200, none: 401, wrong: 401 });
      expect(await statuses(url, "/status")).toMatchObject({ none: 401, wrong: 401 });
      write("web.yml", "basic_auth_users:\n  prometheus: [not, a, hash]\n");
      expect(await statuses(url)).toEqual({ right: 500, none: 500, wrong: 500 });
      await agent.waitForLine((l) => l.includes('"web-config-problem"'));
      const [problem, ...more] = eventsOf(agent, "web-config-problem") as { message: string; "log.level": string }[];
      expect(more).toEqual([]);
      expect(problem?.["log.level"]).toBe("warn");
      expect(problem?.message).toContain('basic_auth_users."prometheus": not a bcrypt hash');
      goodFile();
      await eventually(async () => ((await statuses(url)).right === 200 ? true : undefined), "served again", 10_000);
    } finally {
      await agent.stop();
    }
  });

  it("guards the account exporter's listener too", async () => {
    const exporter = startRolewatch(
      ["account", "--account-credentials", "imds", "--account-listen", "127.0.0.1:0", "--imds-endpoint", sim.imdsUrl, "--web-config-file", goodFile()],
      cleanEnv({ AWS_ENDPOINT_URL: sim.awsUrl }),
    );
    try {
      expect(await statuses(await urlOf(exporter, "account-started"), "/metrics")).toEqual({ right: 200, none: 401, wrong: 401 });
    } finally {
      await exporter.stop();
    }
  });
});
