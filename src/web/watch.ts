/**
 * The web configuration in force. exporter-toolkit reads its file on every request and every TLS
 * handshake, so that a changed password or a renewed certificate holds at once; here the file and
 * the files it names are looked at (stat) on every request and connection, and read again only
 * when one changed. A file that turns bad fails every request with 500, as exporter-toolkit's
 * does, until it is mended: no request is answered under a configuration nobody wrote. Its
 * problems are reported once per change.
 */
import { ConfigError } from "../errors.js";
import { BasicAuthCache, basicCredentials } from "./auth.js";
import { fingerprint, loadWebConfig, type WebConfig } from "./load.js";

export type Admission =
  | { ok: true; headers: Readonly<Record<string, string>> }
  | { ok: false; status: 401 | 500; headers: Readonly<Record<string, string>> };

export interface WatchOptions {
  /** The problems of a file that turned bad, once per change of it. */
  onProblem: (problems: readonly string[]) => void;
  /** A good configuration that replaces another (new certificates, another client CA). */
  onReload?: (config: WebConfig) => void;
}

export class WebConfigWatch {
  #config: WebConfig;
  #print: string;
  #broken = false;
  readonly #cache = new BasicAuthCache();

  /** Throws ConfigError when the file is bad at start: a bad file is a bad configuration. */
  constructor(readonly path: string, private readonly options: WatchOptions) {
    const loaded = loadWebConfig(path);
    if (!loaded.ok) throw new ConfigError(loaded.problems);
    this.#config = loaded.config;
    this.#print = fingerprint(loaded.config.files);
  }

  /** The configuration read at start, which chose the kind of server (plain HTTP, HTTPS, HTTP/2): changing that takes a restart. */
  get initial(): WebConfig {
    return this.#config;
  }

  /** The configuration in force now; null while the file is bad. */
  current(): WebConfig | null {
    const print = fingerprint(this.#config.files);
    if (print === this.#print) return this.#broken ? null : this.#config;
    this.#print = print;
    const loaded = loadWebConfig(this.path);
    const problems = loaded.ok ? switchProblems(this.#config, loaded.config, this.path) : loaded.problems;
    if (!loaded.ok || problems.length > 0) {
      this.#broken = true;
      this.options.onProblem(problems);
      return null;
    }
    this.#broken = false;
    this.#config = loaded.config;
    this.#print = fingerprint(loaded.config.files);
    this.options.onReload?.(loaded.config);
    return this.#config;
  }

  /** Whether a request with this Authorization header may be answered, and the headers of its answer. */
  async admit(authorization: string | undefined): Promise<Admission> {
    const config = this.current();
    if (config === null) return { ok: false, status: 500, headers: {} };
    const { users, headers } = config.settings;
    if (users.size === 0 || (await this.#cache.check(users, basicCredentials(authorization)))) return { ok: true, headers };
    return { ok: false, status: 401, headers: { ...headers, "www-authenticate": 'Basic realm="rolewatch", charset="UTF-8"' } };
  }
}

function switchProblems(was: WebConfig, now: WebConfig, path: string): string[] {
  if ((was.tls === null) === (now.tls === null)) return [];
  const to = now.tls === null ? "plain HTTP" : "TLS";
  return [`web config file ${path}: tls_server_config: switching to ${to} takes a restart of rolewatch`];
}
