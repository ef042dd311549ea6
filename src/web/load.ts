/**
 * Reads the web configuration file and the certificate files it names, and checks that they make
 * a TLS context, as exporter-toolkit's ConfigToTLSConfig does before it serves.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { createSecureContext, type SecureContextOptions } from "node:tls";
import { parseWebConfig, type Material, type WebSettings } from "./parse.js";

export interface WebConfig {
  settings: WebSettings;
  /** The options of the TLS context; null without TLS. Holds the private key: never log it. */
  tls: SecureContextOptions | null;
  /** The web configuration file and every file it names: a change of any is a change of the configuration. */
  files: string[];
}

export type Loaded = { ok: true; config: WebConfig } | { ok: false; problems: string[] };

/** Every problem is prefixed with the file's name, so that it reads on its own among the others. */
export function loadWebConfig(path: string): Loaded {
  const fail = (problems: string[]): Loaded => ({ ok: false, problems: problems.map((p) => `web config file ${path}: ${p}`) });
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    return fail([`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  const parsed = parseWebConfig(source, dirname(path));
  if (!parsed.ok) return fail(parsed.problems);
  const { settings } = parsed;
  if (settings.tls === null) return { ok: true, config: { settings, tls: null, files: [path] } };
  const problems: string[] = [];
  const read = (material: Material, key: string): string => {
    if ("pem" in material) return material.pem;
    try {
      return readFileSync(material.file, "utf8");
    } catch (error) {
      problems.push(`tls_server_config.${key}: cannot read ${material.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return "";
    }
  };
  const { tls } = settings;
  const options: SecureContextOptions = {
    cert: read(tls.cert, "cert_file"),
    key: read(tls.key, "key_file"),
    ...(tls.clientCa === null ? {} : { ca: read(tls.clientCa, "client_ca_file") }),
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    honorCipherOrder: tls.honorCipherOrder,
    ...(tls.curves.length > 0 ? { ecdhCurve: tls.curves.join(":") } : {}),
  };
  if (problems.length > 0) return fail(problems);
  try {
    createSecureContext(options);
  } catch (error) {
    // OpenSSL's reason names what failed ("key values mismatch", "no start line"), never the key itself.
    return fail([`tls_server_config: the certificate and key do not make a TLS context (${(error as Error).message})`]);
  }
  const files = [path, ...[tls.cert, tls.key, tls.clientCa].flatMap((m) => (m !== null && "file" in m ? [m.file] : []))];
  return { ok: true, config: { settings, tls: options, files } };
}

/** Changes when any of `files` is written, replaced or removed. */
export function fingerprint(files: readonly string[]): string {
  return files
    .map((file) => {
      try {
        const s = statSync(file);
        return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code ?? "error";
      }
    })
    .join("|");
}
