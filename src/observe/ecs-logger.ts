import { pino, type DestinationStream, type Logger } from "pino";
import type { Clock } from "../clock.js";
import { TOKEN_HEADER } from "../imds/paths.js";

/** ECS version whose field names the events use (elastic.co/guide/en/ecs/8.11). */
export const ECS_VERSION = "8.11.0";

/**
 * `event.severity` on the 0-100 scale of Elastic Security's detection rules
 * (prebuilt rules pair low 21, medium 47, high 73, critical 99), so that a SIEM
 * ranks rolewatch's events beside its own alerts.
 */
export const SEVERITY_SCORE = {
  /** Expected life of the agent: rotations, recoveries, start and stop. */
  routine: 0,
  /** Worth a look, not an incident: a role or profile change, a drift resolved. */
  notable: 21,
  /** A warning drift, or a blind spot: IMDS or the control plane cannot be read. */
  warning: 47,
  /** The agent itself failed at something. */
  high: 73,
  /** A critical drift (docs/contract.md, Drift kinds). */
  critical: 99,
} as const;

/**
 * Keys whose values are never written, wherever they appear. Secrets travel
 * as `Secret` and print as a placeholder already; this catches a plain string
 * put under one of these names by mistake.
 */
const SECRET_KEYS = [
  "secretAccessKey", "SecretAccessKey", "secret_access_key", "aws_secret_access_key",
  "sessionToken", "SessionToken", "session_token", "aws_session_token",
  "token", "Token", "authorization", "Authorization", TOKEN_HEADER,
];
// The redaction library matches fixed paths; `*` stands for one level, so list each depth.
const REDACT_DEPTH = 5;

function redactPaths(): string[] {
  return SECRET_KEYS.flatMap((key) => {
    const quoted = `[${JSON.stringify(key)}]`;
    return Array.from({ length: REDACT_DEPTH }, (_, depth) => "*.".repeat(depth).replace(/\.$/, "") + quoted);
  });
}

/**
 * A pino logger that writes ECS JSON lines. `log.level` is a dotted top-level
 * key, as the ecs-logging spec requires (github.com/elastic/ecs-logging,
 * spec/spec.json: nesting_allowed false); every other field is a nested
 * object, the document shape the ECS guidelines ask for. pino writes the
 * level before the timestamp, as @elastic/ecs-pino-format does too.
 */
export function createEcsLogger(opts: { clock: Clock; level: string; destination?: DestinationStream }): Logger {
  const { clock } = opts;
  return pino(
    {
      level: opts.level,
      base: null,
      messageKey: "message",
      timestamp: () => `,"@timestamp":"${new Date(clock.now()).toISOString()}"`,
      formatters: { level: (label) => ({ "log.level": label }) },
      redact: { paths: redactPaths(), censor: "[REDACTED]" },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
