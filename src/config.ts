/**
 * rolewatch's configuration: the YAML file, overridden by ROLEWATCH_*
 * environment variables, overridden by flags, every option described once in
 * src/config/options.ts. A bad configuration is one ConfigError listing every problem.
 */
import { ConfigError } from "./errors.js";
import { readEnvSettings, type Env } from "./config/env.js";
import { readFileOrNull, readYamlSettings, type Setting } from "./config/file.js";
import { parseFlags, type FlagSpecs, type FlagValues } from "./config/flags.js";
import { DEFAULT_CONFIG_FILE, OPTIONS, readersOf, type LogLevel, type OptionValues } from "./config/options.js";
import { CONFIG_FLAGS, flagSettings, flagSources, merge, parseSettings, sourcesOf, type Layer, type Sources } from "./config/resolve.js";

export type { OptionKey, OptionValues } from "./config/options.js";
export type { Sources } from "./config/resolve.js";
export { readFileOrNull };
export {
  duration, durationOneOf, formatDuration, parseDuration, POLL_INTERVALS, seconds,
} from "./config/duration.js";
export { parseFlags, type FlagSpec, type FlagSpecs, type FlagValues, type ParsedFlags } from "./config/flags.js";
export { optionsHelp, optionsMarkdown } from "./config/help.js";
export {
  ACCOUNT_ONLY, AGENT_ONLY, DAEMON_ONLY, DEFAULT_CONFIG_FILE, GROUPS, LOG_LEVELS, NOT_READ_BY, OPTIONS, readersOf, type LogLevel, type OptionSpec,
} from "./config/options.js";
export { bool, number, oneOf, optional, path, type Parsed, type Parser } from "./config/parsers.js";
export { baseUrl, listenAddress, port, region, type ListenAddress } from "./config/address.js";

export interface Config {
  imds: { endpoint: string; tokenTtlSeconds: number; timeoutMs: number; allowV1: boolean };
  poll: { intervalMs: number };
  sts: { intervalMs: number };
  /** `source: account`: IAM and EC2 are read by `rolewatch account`, never by the agent. */
  controlPlane: { intervalMs: number; association: boolean; credentials: "instance" | "environment"; source: "local" | "account" };
  /** null: the region of the instance identity document. */
  region: string | null;
  /**
   * Where each API is called: the service's own setting, else the common one, else null (the
   * API's endpoint in the region); all null when configured endpoints are ignored.
   */
  aws: { endpoints: { sts: string | null; iam: string | null; ec2: string | null } };
  /** host "" listens on every interface; IPv6 hosts come without brackets. */
  /** webConfigFile: the exporter-toolkit web configuration of both HTTP servers (the agent's and the account exporter's); null: none. */
  http: { host: string; port: number; maxConnections: number; webConfigFile: string | null };
  log: { level: LogLevel };
  state: { dir: string };
  /** `rolewatch account`'s own: regions empty means `region`, else the identity document's; credentials null: not said. */
  account: {
    intervalMs: number;
    regions: string[];
    credentials: "environment" | "imds" | null;
    assumeRoles: string[];
    listen: { host: string; port: number };
  };
  /** The file actually read; null when the default file is absent. */
  configFile: string | null;
}

/** Reads a file's text; null when it does not exist. Other failures throw. */
export type ReadFile = (path: string) => string | null;

export interface LoadInput<S extends FlagSpecs> {
  argv: readonly string[];
  env: Env;
  readFile?: ReadFile;
  /** A command's own flags (`check --json`), parsed in the same pass as the table's. */
  flags?: S;
  /** Options the command does not use, with the command's name: given as flags, they are errors. */
  unused?: { command: string; keys: readonly string[] };
}

export interface Loaded<S extends FlagSpecs> {
  config: Config;
  /** Positional arguments left. */
  rest: string[];
  /** Values of `input.flags` that were given. */
  flags: FlagValues<S>;
  /** Not fatal, worth logging: ROLEWATCH_* variables no option reads. */
  warnings: string[];
  /** Every option's value, and where it came from ("default", "env NAME", "--flag", "file:line"). */
  values: OptionValues;
  sources: Sources;
}

/** Throws ConfigError listing every problem in the file, the environment and the flags. */
export function loadConfig<S extends FlagSpecs = Record<never, never>>(input: LoadInput<S>): Loaded<S> {
  const flagProblems: string[] = [];
  const envProblems: string[] = [];
  const fileProblems: string[] = [];
  const parsed = parseFlags(input.argv, { ...input.flags, ...CONFIG_FLAGS });
  flagProblems.push(...parsed.problems, ...unusedFlags(parsed.values, input.unused));
  const flagLayer = flagSettings(parsed.values);
  const env = readEnvSettings(input.env);
  const envLayer = parseSettings(env.settings, envProblems);
  const file = chooseFile(envLayer, flagLayer, env.settings.find((s) => s.key === "config")?.source);
  const text = readConfigFile(file.path, file.explicitly, input.readFile ?? readFileOrNull, fileProblems);
  const fileRead = text === null ? { layer: new Map(), settings: [] } : fileSettings(text, file.path, fileProblems);
  const problems = [...fileProblems, ...envProblems, ...flagProblems];
  if (problems.length > 0) throw new ConfigError(problems);
  const values = merge(fileRead.layer, envLayer, flagLayer);
  const config = toConfig(values, text === null ? null : file.path);
  const sources = sourcesOf(fileRead.settings, env.settings, flagSources(flagLayer));
  const own = Object.keys(input.flags ?? {}).map((name) => [name, parsed.values[name]]);
  const flags = Object.fromEntries(own.filter(([, value]) => value !== undefined)) as FlagValues<S>;
  return { config, rest: parsed.rest, flags, warnings: env.warnings, values, sources };
}

/**
 * Problems in one config file on its own (`rolewatch config check FILE`); empty when it is fine.
 * `checkWebConfig` checks the web configuration file it names, if any (src/web/load.ts).
 */
export function checkConfigFile(path: string, readFile: ReadFile = readFileOrNull, checkWebConfig?: (file: string) => string[]): string[] {
  const problems: string[] = [];
  const text = readConfigFile(path, "the command line", readFile, problems);
  const layer = text === null ? new Map() : fileSettings(text, path, problems).layer;
  const webConfigFile: unknown = layer.get("http.webConfigFile");
  if (checkWebConfig !== undefined && typeof webConfigFile === "string") problems.push(...checkWebConfig(webConfigFile));
  return problems;
}

function fileSettings(text: string, path: string, problems: string[]): { layer: Layer; settings: Setting[] } {
  const read = readYamlSettings(text, path);
  problems.push(...read.problems);
  return { layer: parseSettings(read.settings, problems), settings: read.settings };
}

function chooseFile(env: Layer, flags: Layer, envSource = "the environment") {
  const fromFlag = flags.get("config");
  const fromEnv = env.get("config");
  if (typeof fromFlag === "string") return { path: fromFlag, explicitly: "--config" };
  if (typeof fromEnv === "string") return { path: fromEnv, explicitly: envSource };
  return { path: DEFAULT_CONFIG_FILE, explicitly: null };
}

/** The file's text; null when it is absent, which is only a problem when it was named explicitly. */
function readConfigFile(path: string, explicitly: string | null, readFile: ReadFile, problems: string[]): string | null {
  let text: string | null;
  try {
    text = readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    problems.push(`config file ${path}: cannot be read (${reason})`);
    return null;
  }
  if (text === null && explicitly !== null) problems.push(`config file ${path} (from ${explicitly}) does not exist`);
  return text;
}

function toConfig(v: OptionValues, configFile: string | null): Config {
  return {
    imds: {
      endpoint: v["imds.endpoint"],
      tokenTtlSeconds: v["imds.tokenTtl"],
      timeoutMs: v["imds.timeout"],
      allowV1: v["imds.allowV1"],
    },
    poll: { intervalMs: v["poll.interval"] },
    sts: { intervalMs: v["sts.interval"] },
    controlPlane: {
      intervalMs: v["controlPlane.interval"],
      association: v["controlPlane.association"],
      credentials: v["controlPlane.credentials"],
      source: v["controlPlane.source"],
    },
    region: v.region,
    aws: { endpoints: configuredEndpoints(v) },
    http: { ...v["http.listen"], maxConnections: v["http.maxConnections"], webConfigFile: v["http.webConfigFile"] },
    log: { level: v["log.level"] },
    state: { dir: v["state.dir"] },
    account: {
      intervalMs: v["account.interval"],
      regions: v["account.regions"],
      credentials: v["account.credentials"],
      assumeRoles: v["account.assumeRoles"],
      listen: v["account.listen"],
    },
    configFile,
  };
}

function configuredEndpoints(v: OptionValues): Config["aws"]["endpoints"] {
  const ignore = v["aws.ignoreConfiguredEndpoints"];
  const pick = (own: string | null) => (ignore ? null : (own ?? v["aws.endpoint"]));
  return { sts: pick(v["aws.stsEndpoint"]), iam: pick(v["aws.iamEndpoint"]), ec2: pick(v["aws.ec2Endpoint"]) };
}

function unusedFlags(given: Readonly<Record<string, unknown>>, unused: LoadInput<FlagSpecs>["unused"]): string[] {
  if (unused === undefined) return [];
  return OPTIONS.filter((o) => unused.keys.includes(o.key) && given[o.flag] !== undefined).map((o) => {
    const readers = readersOf(o.key).map((command) => `rolewatch ${command}`);
    return `--${o.flag}: rolewatch ${unused.command} does not use ${o.key} (only ${readers.join(" and ")} ${readers.length === 1 ? "does" : "do"})`;
  });
}
