/**
 * Which commands read which options: the options a command does not read are left out of its
 * --help and refused as its flags (a shared file or environment may still set them).
 */

/**
 * Options only the daemon reads: `check` observes once, serves nothing and logs nothing, so it
 * lists none of them in its --help and refuses them as flags (a shared file or environment may
 * still set them).
 */
export const DAEMON_ONLY = ["poll.interval", "sts.interval", "controlPlane.interval", "http.listen", "http.maxConnections", "http.webConfigFile", "log.level"] as const;

/** Options only `rolewatch account` reads. */
export const ACCOUNT_ONLY = ["account.interval", "account.regions", "account.credentials", "account.assumeRoles", "account.listen"] as const;

/** Options of the agent (`run`, `check`) that `rolewatch account` does not read. */
export const AGENT_ONLY = [
  "poll.interval", "sts.interval", "controlPlane.interval", "controlPlane.association", "controlPlane.credentials", "controlPlane.source",
  "http.listen", "state.dir",
] as const;

/**
 * The commands that read the configuration, each with the options it does not read: they are
 * left out of its --help and refused as its flags (a shared file or environment may still set them).
 */
export const NOT_READ_BY: Readonly<Record<"run" | "check" | "account", readonly string[]>> = {
  run: ACCOUNT_ONLY,
  check: [...DAEMON_ONLY, ...ACCOUNT_ONLY],
  account: AGENT_ONLY,
};

/** The commands that read `key`, in NOT_READ_BY's order. */
export function readersOf(key: string): string[] {
  return Object.entries(NOT_READ_BY).filter(([, keys]) => !keys.includes(key)).map(([command]) => command);
}
