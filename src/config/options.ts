/**
 * The configuration table. Each option is written once, here: validation of
 * the file, the environment and the flags, --help and the README table are
 * all produced from it.
 */
import { DEFAULT_IMDS_ENDPOINT, TOKEN_TTL_MAX, TOKEN_TTL_MIN } from "../imds/paths.js";
import { HTTP_LIMITS } from "../observe/http-limits.js";
import { baseUrl, endpointUrl, listenAddress, region } from "./address.js";
import { duration, durationOneOf, POLL_INTERVALS, seconds } from "./duration.js";
import { list, roleArn } from "./lists.js";
import { option } from "./option-spec.js";
import { bool, number, oneOf, optional, path } from "./parsers.js";

export { GROUPS, type GroupId, type OptionSpec } from "./option-spec.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_CONFIG_FILE = "/etc/rolewatch/config.yaml";

const imdsEndpoint = baseUrl({
  protocols: ["http:"],
  example: DEFAULT_IMDS_ENDPOINT,
  refused: { "https:": "IMDS serves plain http only" },
});

// Defaults follow the AWS SDKs where they have one: a 21600 s token TTL and a
// 1 s request timeout (@smithy/credential-provider-imds, botocore).
export const OPTIONS = [
  option("imds.endpoint", {
    group: "imds", flag: "imds-endpoint", env: ["ROLEWATCH_IMDS_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT"],
    default: DEFAULT_IMDS_ENDPOINT,
    parser: imdsEndpoint,
    help: "Base URL of the instance metadata service. AWS_EC2_METADATA_SERVICE_ENDPOINT is the name the AWS SDKs and CLI read, so one export points them all at `rolewatch sim`.",
  }),
  option("imds.tokenTtl", {
    group: "imds", flag: "imds-token-ttl", env: ["ROLEWATCH_IMDS_TOKEN_TTL"],
    default: TOKEN_TTL_MAX, parser: seconds(TOKEN_TTL_MIN, TOKEN_TTL_MAX),
    help: "Lifetime asked for each IMDSv2 session token; one token is reused until shortly before it ends. IMDS allows 1 s to 6 h.",
  }),
  option("imds.timeout", {
    group: "imds", flag: "imds-timeout", env: ["ROLEWATCH_IMDS_TIMEOUT"],
    default: 1000, parser: duration(100, 30_000),
    help: "Timeout of each IMDS request (the AWS SDKs use 1s).",
  }),
  option("imds.allowV1", {
    group: "imds", flag: "imds-allow-v1", env: ["ROLEWATCH_IMDS_ALLOW_V1"],
    default: false, parser: bool,
    help: "Fall back to IMDSv1 when no IMDSv2 token can be had. Off by default: a silent fallback would hide an instance where IMDSv2 is broken or blocked, and IMDSv1 is the version SSRF attacks on instance credentials rely on.",
  }),
  option("poll.interval", {
    group: "imds", flag: "poll-interval", env: ["ROLEWATCH_POLL_INTERVAL"],
    default: 15_000, parser: durationOneOf(POLL_INTERVALS, "a duration a cron schedule repeats evenly"),
    help: "How often IMDS is read. It must divide a minute or an hour, so that polls fall on the same clock seconds every time.",
  }),
  option("sts.interval", {
    group: "aws", flag: "sts-interval", env: ["ROLEWATCH_STS_INTERVAL"],
    default: 15 * 60_000, parser: duration(60_000, 6 * 3_600_000),
    help: "Longest time between two STS GetCallerIdentity checks of the served credentials; a new AccessKeyId is checked at once.",
  }),
  option("controlPlane.interval", {
    group: "aws", flag: "control-plane-interval", env: ["ROLEWATCH_CONTROL_PLANE_INTERVAL"],
    default: 5 * 60_000, parser: duration(60_000, 3_600_000),
    help: "How often the instance profile is read from IAM (plus a per-instance jitter, so a fleet does not call IAM in step); any change IMDS shows also triggers a read.",
  }),
  option("controlPlane.association", {
    group: "aws", flag: "control-plane-association", env: ["ROLEWATCH_CONTROL_PLANE_ASSOCIATION"],
    default: true, parser: bool,
    help: "Also read EC2 DescribeIamInstanceProfileAssociations, to catch an association that differs from what IMDS reports. Needs ec2:DescribeIamInstanceProfileAssociations.",
  }),
  option("controlPlane.credentials", {
    group: "aws", flag: "control-plane-credentials", env: ["ROLEWATCH_CONTROL_PLANE_CREDENTIALS"],
    default: "instance", parser: oneOf("SOURCE", ["instance", "environment"] as const),
    help: "Who signs the IAM and EC2 calls. instance: the served credentials (the role needs iam:GetInstanceProfile and ec2:DescribeIamInstanceProfileAssociations). environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN of rolewatch's environment, a monitoring principal that still reads the control plane when the served credentials are revoked (a deleted or re-created role, revoked sessions), and confirms revoked sessions by reading the served role's AWSRevokeOlderSessions (it needs iam:GetRolePolicy too). STS always checks the served credentials.",
  }),
  option("controlPlane.source", {
    group: "aws", flag: "control-plane-source", env: ["ROLEWATCH_CONTROL_PLANE_SOURCE"],
    default: "local", parser: oneOf("SOURCE", ["local", "account"] as const),
    help: "Who reads IAM and EC2. local: this agent, for its own instance. account: `rolewatch account`, once for the whole account; the agent then makes no IAM or EC2 call, exports what it serves as rolewatch_served_info, and the drift between the two is joined in Prometheus. IMDS and STS are read as in local mode.",
  }),
  option("region", {
    group: "aws", flag: "region", env: ["ROLEWATCH_REGION"],
    default: null, defaultText: "from the identity document", parser: optional(region),
    help: "AWS region of the STS, IAM and EC2 calls. By default, the region in the instance identity document.",
  }),
  option("aws.endpoint", {
    group: "aws", flag: "aws-endpoint", env: ["ROLEWATCH_AWS_ENDPOINT", "AWS_ENDPOINT_URL"],
    default: null, defaultText: "each API's endpoint in the region", parser: optional(endpointUrl),
    help: "One endpoint for STS, IAM and EC2, such as `rolewatch sim`'s. AWS_ENDPOINT_URL is the name the AWS SDKs and CLI read.",
  }),
  ...(["sts", "iam", "ec2"] as const).map((api) =>
    option(`aws.${api}Endpoint`, {
      group: "aws", flag: `aws-${api}-endpoint`, env: [`ROLEWATCH_AWS_${api.toUpperCase()}_ENDPOINT`, `AWS_ENDPOINT_URL_${api.toUpperCase()}`],
      default: null, defaultText: "aws.endpoint", parser: optional(endpointUrl),
      help: `Endpoint of ${api.toUpperCase()} alone, before aws.endpoint (AWS_ENDPOINT_URL_${api.toUpperCase()}, as the AWS SDKs read it).`,
    }),
  ),
  option("aws.ignoreConfiguredEndpoints", {
    group: "aws", flag: "aws-ignore-configured-endpoints", env: ["ROLEWATCH_AWS_IGNORE_CONFIGURED_ENDPOINTS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"],
    default: false, parser: bool,
    help: "Use each API's own endpoint in the region even when an endpoint above is set, as AWS_IGNORE_CONFIGURED_ENDPOINT_URLS does for the AWS SDKs.",
  }),
  option("config", {
    group: "agent", flag: "config", env: ["ROLEWATCH_CONFIG"], inFile: false,
    default: DEFAULT_CONFIG_FILE, parser: path("FILE"),
    help: "YAML file read before the environment and the flags. The default file may be absent; a file named here must exist.",
  }),
  option("http.listen", {
    group: "agent", flag: "listen", env: ["ROLEWATCH_HTTP_LISTEN"],
    default: { host: "", port: 9725 }, parser: listenAddress,
    help: "Address of the HTTP server (/metrics, /healthz, /readyz, /status). Port 0 picks any free port.",
  }),
  option("http.maxConnections", {
    // At most half of the soft RLIMIT_NOFILE systemd gives a service (1024): the rest is the poll loop's.
    group: "agent", flag: "http-max-connections", env: ["ROLEWATCH_HTTP_MAX_CONNECTIONS"],
    default: HTTP_LIMITS.maxConnections, parser: number(1, 512, { integer: true }),
    help: "Connections the HTTP server holds open at once; it closes any further one unanswered, so that a flood of connections cannot take the file descriptors the polls need. The soft RLIMIT_NOFILE must be at least this plus 64.",
  }),
  option("http.webConfigFile", {
    group: "agent", flag: "web-config-file", env: ["ROLEWATCH_HTTP_WEB_CONFIG_FILE"],
    default: null, defaultText: "none: plain HTTP, no authentication", parser: optional(path("FILE")),
    help: "Web configuration file in the format of Prometheus's exporter-toolkit (as node_exporter's --web.config.file): TLS (tls_server_config), HTTP/2 and headers (http_server_config) and bcrypt basic auth (basic_auth_users) for the HTTP server of `run` and of `account`. It is looked at on every request and read again when it changes; a file that turns bad fails requests with 500 until it is mended.",
  }),
  option("log.level", {
    group: "agent", flag: "log-level", env: ["ROLEWATCH_LOG_LEVEL"],
    default: "info", parser: oneOf("LEVEL", LOG_LEVELS),
    help: "Lowest level of the JSON log lines written to stdout.",
  }),
  option("state.dir", {
    // STATE_DIRECTORY is set by systemd's StateDirectory= (systemd.exec(5)).
    group: "agent", flag: "state-dir", env: ["ROLEWATCH_STATE_DIR", "STATE_DIRECTORY"],
    default: "/var/lib/rolewatch", parser: path("DIR"),
    help: "Directory where open drifts and what was last seen survive restarts and reboots.",
  }),
  option("account.interval", {
    group: "account", flag: "account-interval", env: ["ROLEWATCH_ACCOUNT_INTERVAL"],
    default: 60_000, parser: duration(30_000, 3_600_000),
    help: "How often the account is read: every page of IAM ListInstanceProfiles and, in each region, of EC2 DescribeIamInstanceProfileAssociations. A failing API backs off, up to three intervals.",
  }),
  option("account.regions", {
    group: "account", flag: "account-regions", env: ["ROLEWATCH_ACCOUNT_REGIONS"],
    default: [], defaultText: "the region option, else the host's identity document", parser: list(region, { max: 32, metavar: "REGIONS" }),
    help: "Regions whose instance profile associations are read (EC2 is regional; IAM is global).",
  }),
  option("account.credentials", {
    group: "account", flag: "account-credentials", env: ["ROLEWATCH_ACCOUNT_CREDENTIALS"],
    default: null, defaultText: "none: it must be said", parser: optional(oneOf("SOURCE", ["environment", "imds"] as const)),
    help: "The monitoring principal that signs the calls. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN of rolewatch's environment. imds: the role credentials the host's own IMDS serves. There is no default: rolewatch never picks credentials by itself.",
  }),
  option("account.assumeRoles", {
    group: "account", flag: "account-assume-roles", env: ["ROLEWATCH_ACCOUNT_ASSUME_ROLES"],
    default: [], defaultText: "none: the principal's own account", parser: list(roleArn, { max: 100, metavar: "ARNS" }),
    help: "Roles to assume with sts:AssumeRole (session name rolewatch-account, one hour, renewed before it ends), one per account to read; the series are labelled with each role's account. Without any, the principal's own account is read.",
  }),
  option("account.listen", {
    group: "account", flag: "account-listen", env: ["ROLEWATCH_ACCOUNT_LISTEN"],
    default: { host: "", port: 9726 }, parser: listenAddress,
    help: "Address of the account exporter's HTTP server (/metrics, /healthz, /readyz, /status); the agent's is 9725. Port 0 picks any free port.",
  }),
] as const;

// Which command reads which option: src/config/readers.ts.
export { ACCOUNT_ONLY, AGENT_ONLY, DAEMON_ONLY, NOT_READ_BY, readersOf } from "./readers.js";

/** Every option's value once resolved, by key. */
export type OptionValues = { [O in (typeof OPTIONS)[number] as O["key"]]: O["default"] };
export type OptionKey = keyof OptionValues;
