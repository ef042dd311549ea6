import { connect as http2Connect } from "node:http2";
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { startHttpServer, type HttpServer } from "../../src/observe/http.js";
import { hashOf, makeTestPki, OPENSSL, type TestPki } from "../support/certs.js";
import { answerOf, type Answer } from "../support/http-answer.js";
import { requireTool } from "../support/require-tool.js";

let pki: TestPki;
let server: HttpServer | undefined;
const problems: string[][] = [];

beforeAll(() => {
  if (OPENSSL.available) pki = makeTestPki();
});
afterAll(() => pki?.remove());
afterEach(async () => {
  await server?.close();
  server = undefined;
  problems.length = 0;
});

/** Written whole and renamed, as an editor or a configuration manager replaces a file. */
function writeWebConfig(text: string, name = "web.yml"): string {
  const file = join(pki.dir, name);
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  return file;
}

const tlsBlock = (extra = "") => `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n${extra}`;

async function start(webConfigFile: string): Promise<HttpServer> {
  server = await startHttpServer({
    host: "127.0.0.1", port: 0, metrics: async () => "up 1\n", ready: () => true, status: () => ({ status: "ok" }),
    webConfigFile, onWebConfigProblem: (p) => problems.push([...p]),
  });
  return server;
}

function get(url: string, options: { auth?: string; tls?: ConnectionOptions } = {}): Promise<Answer> {
  return answerOf(url, { agent: false, ...(options.auth ? { auth: options.auth } : {}), ca: pki.pem(pki.caFile), ...options.tls });
}

/** The ALPN protocol the server chose, and the fingerprint of the certificate it showed. */
function handshake(port: number, options: ConnectionOptions = {}): Promise<{ alpn: string | false; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ca: pki.pem(pki.caFile), ALPNProtocols: ["h2", "http/1.1"], ...options }, () => {
      resolve({ alpn: socket.alpnProtocol ?? false, fingerprint: socket.getPeerCertificate().fingerprint256 });
      socket.end();
    });
    socket.on("error", reject);
  });
}

describe("--web-config-file: TLS and basic auth", () => {
  it("serves over TLS to the right user and password only, with 401 and WWW-Authenticate otherwise, and the file's headers", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const s = await start(writeWebConfig(`${tlsBlock()}http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\nbasic_auth_users:\n  prometheus: "${hashOf("right")}"\n`));
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ok = await get(`${s.url}/metrics`, { auth: "prometheus:right" });
    expect(ok).toMatchObject({ status: 200, body: "up 1\n" });
    expect(ok.headers["x-content-type-options"]).toBe("nosniff");
    for (const auth of [undefined, "prometheus:wrong", "someone:right"]) {
      const refused = await get(`${s.url}/metrics`, auth === undefined ? {} : { auth });
      expect(refused.status).toBe(401);
      expect(refused.headers["www-authenticate"]).toMatch(/^Basic /);
      expect(refused.body).not.toContain("up 1");
    }
    expect((await get(`${s.url}/nothing-here`)).status).toBe(401);
  });

  it("answers no plain-HTTP request on a TLS port", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const s = await start(writeWebConfig(tlsBlock()));
    await expect(get(s.url.replace("https:", "http:") + "/metrics")).rejects.toThrow();
  });

  it("puts a password changed on disk in force at the next request, without a restart, on the same kept-alive client", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const file = writeWebConfig(`${tlsBlock()}basic_auth_users:\n  prometheus: "${hashOf("first")}"\n`);
    const s = await start(file);
    expect((await get(`${s.url}/metrics`, { auth: "prometheus:first" })).status).toBe(200);
    writeWebConfig(`${tlsBlock()}basic_auth_users:\n  prometheus: "${hashOf("second")}"\n`);
    expect((await get(`${s.url}/metrics`, { auth: "prometheus:first" })).status).toBe(401);
    expect((await get(`${s.url}/metrics`, { auth: "prometheus:second" })).status).toBe(200);
  });

  it("fails every request with 500 while the file is bad, reports it once with its key, and serves again once it is mended", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const good = `${tlsBlock()}basic_auth_users:\n  prometheus: "${hashOf("pw")}"\n`;
    const s = await start(writeWebConfig(good));
    writeWebConfig(`${tlsBlock("  min_version: TLS9\n")}basic_auth_users:\n  prometheus: "${hashOf("pw")}"\n`);
    expect((await get(`${s.url}/metrics`, { auth: "prometheus:pw" })).status).toBe(500);
    expect((await get(`${s.url}/metrics`, { auth: "prometheus:pw" })).status).toBe(500);
    expect(problems).toEqual([[expect.stringContaining('tls_server_config.min_version: invalid value "TLS9"')]]);
    writeWebConfig(good);
    expect((await get(`${s.url}/metrics`, { auth: "prometheus:pw" })).status).toBe(200);
  });

  it("refuses to start on a bad file, with every problem and its key", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const file = writeWebConfig("tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: plain\n");
    const error = await start(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringContaining('basic_auth_users."prometheus": not a bcrypt hash')]);
    const unreadable = await start(writeWebConfig("tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n")).catch((e: unknown) => e);
    expect((unreadable as ConfigError).problems).toEqual([expect.stringMatching(/tls_server_config\.cert_file: cannot read .*missing\.crt \(ENOENT\)/)]);
  });

  it("serves a renewed certificate from the next connection on", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const copy = (from: string, to: string) => {
      writeFileSync(join(pki.dir, `${to}.new`), pki.pem(from));
      renameSync(join(pki.dir, `${to}.new`), join(pki.dir, to));
    };
    copy(pki.certFile, "renewing.crt");
    copy(pki.keyFile, "renewing.key");
    const s = await start(writeWebConfig("tls_server_config:\n  cert_file: renewing.crt\n  key_file: renewing.key\n", "renewing.yml"));
    const before = await handshake(s.port);
    // Another pair, from another CA, replaces the files under the running server.
    const renewed = makeTestPki();
    try {
      writeFileSync(join(pki.dir, "renewing.key.new"), renewed.pem(renewed.keyFile));
      writeFileSync(join(pki.dir, "renewing.crt.new"), renewed.pem(renewed.certFile));
      renameSync(join(pki.dir, "renewing.key.new"), join(pki.dir, "renewing.key"));
      renameSync(join(pki.dir, "renewing.crt.new"), join(pki.dir, "renewing.crt"));
      const after = await handshake(s.port, { ca: renewed.pem(renewed.caFile) });
      expect(after.fingerprint).not.toBe(before.fingerprint);
    } finally {
      renewed.remove();
    }
  });

  it("speaks HTTP/2 by default (exporter-toolkit's http2: true) and HTTP/1.1 only with http2: false", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const h2 = await start(writeWebConfig(tlsBlock(), "h2.yml"));
    expect((await handshake(h2.port)).alpn).toBe("h2");
    const session = http2Connect(h2.url, { ca: pki.pem(pki.caFile) });
    const status = await new Promise<number>((resolve, reject) => {
      const stream = session.request({ ":path": "/healthz" });
      stream.on("response", (headers) => resolve(Number(headers[":status"])));
      stream.on("error", reject);
      stream.end();
    });
    session.close();
    expect(status).toBe(200);
    expect((await get(`${h2.url}/healthz`)).status).toBe(200);
    await h2.close();
    const h1 = await start(writeWebConfig(`${tlsBlock()}http_server_config:\n  http2: false\n`, "h1.yml"));
    expect((await handshake(h1.port)).alpn).not.toBe("h2");
  });

  it("holds to min_version", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const s = await start(writeWebConfig(tlsBlock("  min_version: TLS13\n")));
    await expect(handshake(s.port, { maxVersion: "TLSv1.2" })).rejects.toThrow();
    expect((await handshake(s.port, { minVersion: "TLSv1.3" })).fingerprint).not.toBe("");
  });

  it.for([
    ["RequireAndVerifyClientCert", { none: false, issued: true, stranger: false }],
    ["VerifyClientCertIfGiven", { none: true, issued: true, stranger: false }],
    ["RequireAnyClientCert", { none: false, issued: true, stranger: true }],
    ["RequestClientCert", { none: true, issued: true, stranger: true }],
  ] as const)("applies client_auth_type %s to clients with no certificate, one the client CA issued, and another CA's", async ([type, expected], ctx) => {
    requireTool(ctx, OPENSSL);
    const s = await start(writeWebConfig(tlsBlock(`  client_auth_type: ${type}\n  client_ca_file: ca.crt\n`)));
    const served = async (tls: ConnectionOptions) => (await get(`${s.url}/healthz`, { tls }).catch(() => null))?.status === 200;
    expect({
      none: await served({}),
      issued: await served({ cert: pki.pem(pki.clientCertFile), key: pki.pem(pki.clientKeyFile) }),
      stranger: await served({ cert: pki.pem(pki.strangerCertFile), key: pki.pem(pki.strangerKeyFile) }),
    }).toEqual(expected);
  });

  it("applies basic auth and headers over plain HTTP when the file has no tls_server_config, as exporter-toolkit does", async (ctx) => {
    requireTool(ctx, OPENSSL);
    const s = await start(writeWebConfig(`basic_auth_users:\n  prometheus: "${hashOf("pw")}"\n`));
    expect(s.url).toMatch(/^http:/);
    expect((await get(`${s.url}/metrics`)).status).toBe(401);
    expect((await get(`${s.url}/metrics`, { auth: "prometheus:pw" })).status).toBe(200);
  });
});
