/**
 * The web configuration file's text to its settings, or every problem, each naming its key
 * (`tls_server_config.min_version: …`). No I/O: the files it names are read by load.ts.
 */
import { isAbsolute, join } from "node:path";
import type { SecureVersion } from "node:tls";
import { parseDocument } from "yaml";
import {
  BCRYPT_HASH, boolean, CURVES, HEADERS, SECRET_KEYS, TLS_KEYS, TLS_VERSIONS, UNSUPPORTED, type Check, type ClientAuthType, type TlsVersionName,
} from "./schema.js";

/** A PEM given inline, or the file holding it. */
export type Material = { file: string } | { pem: string };

export interface TlsSettings {
  cert: Material;
  key: Material;
  clientCa: Material | null;
  clientAuth: ClientAuthType;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  honorCipherOrder: boolean;
  /** OpenSSL's names, in preference order; empty: OpenSSL's default. */
  curves: string[];
}

export interface WebSettings {
  /** null: plain HTTP (no tls_server_config), with basic auth and headers still applied. */
  tls: TlsSettings | null;
  /** Only with TLS, as in exporter-toolkit. */
  http2: boolean;
  headers: Readonly<Record<string, string>>;
  /** User name to bcrypt hash; empty: no authentication. */
  users: ReadonlyMap<string, string>;
}

export type Parsed = { ok: true; settings: WebSettings } | { ok: false; problems: string[] };

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** `dir`: the file's directory, against which relative file names are read (exporter-toolkit's SetDirectory). */
export function parseWebConfig(source: string, dir: string): Parsed {
  const doc = parseDocument(source, { prettyErrors: false });
  if (doc.errors.length > 0) return { ok: false, problems: doc.errors.map((e) => `YAML syntax error: ${e.message}`) };
  const root: unknown = doc.toJSON() ?? {};
  if (!isMap(root)) return { ok: false, problems: ["expected a map with tls_server_config, http_server_config and basic_auth_users"] };
  const problems: string[] = [];
  const known = ["tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"];
  unknownKeys(root, known, "", problems);
  if (root.rate_limit != null) problems.push(unsupported("rate_limit"));
  const tlsMap = section(root, "tls_server_config", problems);
  const httpMap = section(root, "http_server_config", problems);
  const tls = tlsSettings(checked(tlsMap, TLS_KEYS, "tls_server_config", problems), dir, problems);
  const http = checked(httpMap, { http2: boolean, headers: (v) => (isMap(v) ? { ok: true, value: v } : { ok: false, expected: "a map of header names to values" }) }, "http_server_config", problems);
  const headers = headerSettings((http.headers ?? {}) as Obj, problems);
  const users = userSettings(section(root, "basic_auth_users", problems), problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: { tls, http2: (http.http2 ?? true) as boolean, headers, users } };
}

function section(root: Obj, key: string, problems: string[]): Obj {
  const value = root[key];
  if (value == null) return {};
  if (isMap(value)) return value;
  problems.push(`${key}: expected a map`);
  return {};
}

function unknownKeys(map: Obj, known: readonly string[], prefix: string, problems: string[]): void {
  for (const key of Object.keys(map)) {
    if (!known.includes(key)) problems.push(`${prefix}${key}: unknown key (expected one of ${known.join(", ")})`);
  }
}

/** The values of `map` that pass their check, by key; null values count as not set, as in Go's YAML. */
function checked(map: Obj, keys: Readonly<Record<string, Check>>, prefix: string, problems: string[]): Obj {
  unknownKeys(map, Object.keys(keys), `${prefix}.`, problems);
  const out: Obj = {};
  for (const [key, check] of Object.entries(keys)) {
    const raw = map[key];
    if (raw == null) continue;
    const where = `${prefix}.${key}`;
    if (UNSUPPORTED[where] !== undefined) {
      problems.push(unsupported(where));
      continue;
    }
    const result = check(raw);
    if (result.ok) out[key] = result.value;
    else problems.push(`${where}: invalid value${SECRET_KEYS.has(where) ? "" : ` ${show(raw)}`}; expected ${result.expected}`);
  }
  return out;
}

function unsupported(key: string): string {
  return `${key}: valid in the exporter-toolkit format, but not supported by rolewatch (${UNSUPPORTED[key]})`;
}

function show(raw: unknown): string {
  if (typeof raw === "string") return JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}...` : raw);
  return Array.isArray(raw) ? "(a list)" : isMap(raw) ? "(a map)" : String(raw);
}

function tlsSettings(t: Obj, dir: string, problems: string[]): TlsSettings | null {
  const enabled = ["cert", "key", "client_ca", "cert_file", "key_file", "client_ca_file", "client_auth_type"].some((k) => t[k] !== undefined);
  if (!enabled) return null;
  const material = (inline: string, file: string, required: boolean): Material | null => {
    const pem = t[inline] as string | undefined;
    const path = t[file] as string | undefined;
    if (pem !== undefined && path !== undefined) problems.push(`tls_server_config: give one of ${inline} or ${file}, not both`);
    if (path !== undefined) return { file: isAbsolute(path) ? path : join(dir, path) };
    if (pem !== undefined) return { pem };
    if (required) problems.push(`tls_server_config: missing one of ${inline} or ${file}`);
    return null;
  };
  const cert = material("cert", "cert_file", true);
  const key = material("key", "key_file", true);
  const clientCa = material("client_ca", "client_ca_file", false);
  const clientAuth = (t.client_auth_type ?? "NoClientCert") as ClientAuthType;
  if (clientCa !== null && clientAuth === "NoClientCert") problems.push("tls_server_config.client_ca_file: a client CA is set without a client_auth_type that asks for a certificate");
  if (clientCa === null && (clientAuth === "VerifyClientCertIfGiven" || clientAuth === "RequireAndVerifyClientCert")) {
    problems.push(`tls_server_config.client_auth_type: ${clientAuth} verifies client certificates: it needs client_ca_file or client_ca`);
  }
  const min = (t.min_version ?? "TLS12") as TlsVersionName;
  const max = (t.max_version ?? "TLS13") as TlsVersionName;
  if (min > max) problems.push(`tls_server_config.min_version: ${min} is above max_version ${max}`);
  const curves = ((t.curve_preferences ?? []) as (keyof typeof CURVES)[]).map((c) => CURVES[c]);
  if (cert === null || key === null) return null;
  return { cert, key, clientCa, clientAuth, minVersion: TLS_VERSIONS[min], maxVersion: TLS_VERSIONS[max], honorCipherOrder: (t.prefer_server_cipher_suites ?? true) as boolean, curves };
}

function headerSettings(headers: Obj, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const allowed = HEADERS[name];
    const where = `http_server_config.headers.${name}`;
    if (allowed === undefined) problems.push(`${where}: this header cannot be configured (only ${Object.keys(HEADERS).join(", ")})`);
    else if (typeof value !== "string" || /[\r\n\0]/.test(value)) problems.push(`${where}: expected a one-line string`);
    else if (allowed !== null && !allowed.includes(value)) problems.push(`${where}: invalid value ${show(value)}; expected one of ${allowed.join(", ")}`);
    else if (value !== "") out[name] = value;
  }
  return out;
}

/** A hash is never shown in a problem: it is a secret of the format. */
function userSettings(users: Obj, problems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [user, hash] of Object.entries(users)) {
    const where = `basic_auth_users.${JSON.stringify(user)}`;
    if (user.includes(":")) problems.push(`${where}: a user name cannot hold ":" (HTTP basic authentication splits on it)`);
    else if (typeof hash !== "string" || !BCRYPT_HASH.test(hash)) problems.push(`${where}: not a bcrypt hash (make one with: htpasswd -nBC 10 "" | tr -d ':\\n')`);
    else out.set(user, hash);
  }
  return out;
}
