import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseWebConfig } from "../../src/web/parse.js";

const HASH = "$2y$10$0hFfRzbM8Mo6sSEu7RCIq.rQIdxS5FyfpJzJ6bkFR8lYbegpB7grG";

function problems(text: string): string[] {
  const parsed = parseWebConfig(text, "/etc/rolewatch");
  return parsed.ok ? [] : parsed.problems;
}

function settings(text: string) {
  const parsed = parseWebConfig(text, "/etc/rolewatch");
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.settings;
}

describe("the web configuration file (exporter-toolkit's format)", () => {
  it("reads the documented keys, relative file names against the file's directory, with exporter-toolkit's defaults", () => {
    const s = settings(`
tls_server_config:
  cert_file: tls/server.crt
  key_file: /etc/ssl/private/rolewatch.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  curve_preferences: [X25519, CurveP256]
http_server_config:
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
basic_auth_users:
  prometheus: ${HASH}
`);
    expect(s.tls).toEqual({
      cert: { file: "/etc/rolewatch/tls/server.crt" }, key: { file: "/etc/ssl/private/rolewatch.key" }, clientCa: { file: "/etc/rolewatch/ca.crt" },
      clientAuth: "RequireAndVerifyClientCert", minVersion: "TLSv1.2", maxVersion: "TLSv1.3", honorCipherOrder: true, curves: ["X25519", "P-256"],
    });
    expect(s.http2).toBe(true);
    expect(s.headers).toEqual({ "X-Frame-Options": "deny", "Strict-Transport-Security": "max-age=31536000" });
    expect([...s.users]).toEqual([["prometheus", HASH]]);
  });

  it("is plain HTTP, open, when empty; basic auth without TLS is kept, as exporter-toolkit serves it", () => {
    expect(settings("")).toEqual({ tls: null, http2: true, headers: {}, users: new Map() });
    expect(settings(`basic_auth_users: { alice: "${HASH}" }`).tls).toBeNull();
  });

  it("takes inline PEMs and the TLS versions by exporter-toolkit's names", () => {
    const s = settings(`tls_server_config: { cert: "CERT", key: "KEY", min_version: TLS13, max_version: TLS13, prefer_server_cipher_suites: false }\nhttp_server_config: { http2: false }`);
    expect(s.tls).toMatchObject({ cert: { pem: "CERT" }, key: { pem: "KEY" }, minVersion: "TLSv1.3", maxVersion: "TLSv1.3", honorCipherOrder: false });
    expect(s.http2).toBe(false);
  });

  it.each([
    ["an unknown top-level key", "basic_auth: {}", "basic_auth: unknown key"],
    ["an unknown key in a section", "tls_server_config: { cert_file: a, key_file: b, certfile: c }", "tls_server_config.certfile: unknown key"],
    ["a bad TLS version", "tls_server_config: { cert_file: a, key_file: b, min_version: TLS9 }", 'tls_server_config.min_version: invalid value "TLS9"; expected one of TLS10, TLS11, TLS12, TLS13'],
    ["min above max", "tls_server_config: { cert_file: a, key_file: b, min_version: TLS13, max_version: TLS12 }", "tls_server_config.min_version: TLS13 is above max_version TLS12"],
    ["a bad client auth type", "tls_server_config: { cert_file: a, key_file: b, client_auth_type: Always }", "tls_server_config.client_auth_type: invalid value \"Always\""],
    ["a key without a certificate", "tls_server_config: { key_file: b }", "tls_server_config: missing one of cert or cert_file"],
    ["both a certificate file and an inline one", "tls_server_config: { cert: x, cert_file: a, key_file: b }", "tls_server_config: give one of cert or cert_file, not both"],
    ["a client CA with no client auth", "tls_server_config: { cert_file: a, key_file: b, client_ca_file: c }", "tls_server_config.client_ca_file: a client CA is set without a client_auth_type"],
    ["verified clients with no CA", "tls_server_config: { cert_file: a, key_file: b, client_auth_type: RequireAndVerifyClientCert }", "tls_server_config.client_auth_type: RequireAndVerifyClientCert verifies client certificates: it needs client_ca_file or client_ca"],
    ["an unknown curve", "tls_server_config: { cert_file: a, key_file: b, curve_preferences: [P256] }", "tls_server_config.curve_preferences: invalid value (a list)"],
    ["http2 not a boolean", "http_server_config: { http2: maybe }", 'http_server_config.http2: invalid value "maybe"; expected true or false'],
    ["a header exporter-toolkit does not allow", "http_server_config: { headers: { Server: rolewatch } }", "http_server_config.headers.Server: this header cannot be configured"],
    ["a header value it does not allow", "http_server_config: { headers: { X-Frame-Options: allow } }", 'http_server_config.headers.X-Frame-Options: invalid value "allow"; expected one of deny, sameorigin'],
    ["a section that is not a map", "tls_server_config: [a]", "tls_server_config: expected a map"],
    ["YAML that does not parse", "tls_server_config: {", "YAML syntax error"],
  ])("reports %s, naming the key", (_, text, problem) => {
    expect(problems(text).join("\n")).toContain(problem);
  });

  it.each([
    ["tls_server_config: { cert_file: a, key_file: b, cipher_suites: [TLS_AES_128_GCM_SHA256] }", "tls_server_config.cipher_suites"],
    ["tls_server_config: { cert_file: a, key_file: b, client_auth_type: RequireAnyClientCert, client_allowed_sans: [x] }", "tls_server_config.client_allowed_sans"],
    ["rate_limit: { interval: 1s, burst: 5 }", "rate_limit"],
  ])("says a key of the format rolewatch does not honour is not supported: %s", (text, key) => {
    expect(problems(text)).toEqual([expect.stringMatching(new RegExp(`^${key}: valid in the exporter-toolkit format, but not supported by rolewatch \\(.+\\)$`))]);
  });

  it("refuses a password that is not a bcrypt hash without ever showing it, and a user name with a colon", () => {
    const found = problems(`basic_auth_users:\n  alice: hunter2-plain\n  "bob:x": ${HASH}\n  carol: "$2y$10$short"`);
    expect(found).toEqual([
      expect.stringMatching(/^basic_auth_users\."alice": not a bcrypt hash/),
      expect.stringMatching(/^basic_auth_users\."bob:x": a user name cannot hold ":"/),
      expect.stringMatching(/^basic_auth_users\."carol": not a bcrypt hash/),
    ]);
    expect(found.join("\n")).not.toMatch(/hunter2|short/);
  });

  it("never shows an inline private key that is not a string", () => {
    const found = problems("tls_server_config: { cert: x, key: [SECRETPEM] }");
    expect(found).toContain("tls_server_config.key: invalid value; expected a string");
    expect(found.join("\n")).not.toContain("SECRETPEM");
  });

  it("reads the README's example as it is shown", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### TLS and basic auth"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(example).toContain("basic_auth_users:");
    const s = settings(example);
    expect(s.tls).toMatchObject({ cert: { file: "/etc/rolewatch/tls/rolewatch.crt" }, clientAuth: "NoClientCert" });
    expect([...s.users.keys()]).toEqual(["prometheus"]);
  });
});
