/**
 * The keys of the exporter-toolkit web configuration file, as Prometheus documents them
 * (https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md), each
 * with the check of its value. exporter-toolkit reads the file with yaml.UnmarshalStrict: an
 * unknown key is an error, and so is here. A key valid in the format that rolewatch cannot honour
 * is an error that says so, never silently ignored.
 */
export type Check = (value: unknown) => { ok: true; value: unknown } | { ok: false; expected: string };

const ok = (value: unknown) => ({ ok: true as const, value });
const no = (expected: string) => ({ ok: false as const, expected });

export const text: Check = (v) => (typeof v === "string" ? ok(v) : no("a string"));
export const boolean: Check = (v) => (typeof v === "boolean" ? ok(v) : no("true or false"));

export function oneOf(values: readonly string[]): Check {
  return (v) => (typeof v === "string" && values.includes(v) ? ok(v) : no(`one of ${values.join(", ")}`));
}

export function listOf(item: Check, what: string): Check {
  return (v) => {
    if (!Array.isArray(v)) return no(`a list of ${what}`);
    const items: unknown[] = [];
    for (const entry of v) {
      const checked = item(entry);
      if (!checked.ok) return no(`a list of ${what}`);
      items.push(checked.value);
    }
    return ok(items);
  };
}

/** Go's crypto/tls client authentication policies; RequireClientCert is exporter-toolkit's older name of RequireAnyClientCert. */
export const CLIENT_AUTH_TYPES = ["NoClientCert", "RequestClientCert", "RequireAnyClientCert", "RequireClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

/** exporter-toolkit's names of the TLS versions, and Node.js's. */
export const TLS_VERSIONS = { TLS10: "TLSv1", TLS11: "TLSv1.1", TLS12: "TLSv1.2", TLS13: "TLSv1.3" } as const;
export type TlsVersionName = keyof typeof TLS_VERSIONS;

/** exporter-toolkit's curve names (Go's tls.CurveID), and OpenSSL's. */
export const CURVES = { CurveP256: "P-256", CurveP384: "P-384", CurveP521: "P-521", X25519: "X25519" } as const;

/** What each unsupported key would need, said in its error. */
export const UNSUPPORTED: Readonly<Record<string, string>> = {
  "tls_server_config.cipher_suites": "its values are Go's cipher suite names, which Node.js's OpenSSL does not take; leave it out for OpenSSL's defaults",
  "tls_server_config.client_allowed_sans": "use client_auth_type RequireAndVerifyClientCert with a client_ca_file that issues only the allowed clients",
  rate_limit: "put a rate limit in front of rolewatch, or rely on http.maxConnections",
};

/** The headers exporter-toolkit lets a file set, with the values it allows (null: any). */
export const HEADERS: Readonly<Record<string, readonly string[] | null>> = {
  "Strict-Transport-Security": null,
  "X-Content-Type-Options": ["nosniff"],
  "X-Frame-Options": ["deny", "sameorigin"],
  "X-XSS-Protection": null,
  "Content-Security-Policy": null,
};

export const TLS_KEYS: Readonly<Record<string, Check>> = {
  cert: text,
  key: text,
  client_ca: text,
  cert_file: text,
  key_file: text,
  client_auth_type: oneOf(CLIENT_AUTH_TYPES),
  client_ca_file: text,
  client_allowed_sans: listOf(text, "strings"),
  min_version: oneOf(Object.keys(TLS_VERSIONS)),
  max_version: oneOf(Object.keys(TLS_VERSIONS)),
  cipher_suites: listOf(text, "strings"),
  prefer_server_cipher_suites: boolean,
  curve_preferences: listOf(oneOf(Object.keys(CURVES)), Object.keys(CURVES).join(", ")),
};

/** `$2a$10$…`: the modular crypt format of bcrypt, as Go's golang.org/x/crypto/bcrypt and htpasswd -B write it. */
export const BCRYPT_HASH = /^\$2[aby]?\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

/** Keys whose values are secrets: a problem with them never shows the value. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(["tls_server_config.key"]);
