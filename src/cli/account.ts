import { systemClock, type Clock } from "../clock.js";
import { NOT_READ_BY, optionsHelp } from "../config.js";
import { startAccountExporter } from "../account/daemon.js";
import type { AccountLoop } from "../account/loop.js";
import { EXIT, type Command, type Io } from "./command.js";
import { STOP_DEADLINE_MS } from "./run.js";

async function stopWithin(loop: AccountLoop, clock: Clock, ms: number): Promise<void> {
  const timer = new AbortController();
  await Promise.race([loop.stop(), clock.sleep(ms, timer.signal).catch(() => undefined)]);
  timer.abort();
}

/** `rolewatch account --help`. */
function accountHelp(): string {
  return `Usage: rolewatch account --account-credentials environment|imds [options]

Reads one AWS account's control plane once for the whole fleet, so that agents
in fleet mode (controlPlane.source: account) make no IAM or EC2 call. Run one
per account (or one for several, with --account-assume-roles).

Every --account-interval (1 min), each API backing off on its own when it fails:
  IAM ListInstanceProfiles, every page (1,000 profiles a page)
  EC2 DescribeIamInstanceProfileAssociations, unfiltered, every page, in each
      region of --account-regions (default: --region, else the host's region)
  STS AssumeRole into each role of --account-assume-roles (session name
      rolewatch-account, one hour, renewed 10 min before it ends), or STS
      GetCallerIdentity once, to learn the principal's own account

Permissions of the monitoring principal (packaging/iam-policy-account.json,
installed in /usr/share/doc/rolewatch/): iam:ListInstanceProfiles and
ec2:DescribeIamInstanceProfileAssociations (in each account read: the assumed
roles need them), and sts:AssumeRole on the roles to assume. Credentials are
never picked by themselves: --account-credentials environment reads
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; imds reads the
role credentials of the host's IMDS.

Serves, on --account-listen (:9726):
  /metrics   rolewatch_account_profile_info, rolewatch_account_association_info,
             rolewatch_account_up, rolewatch_account_requests_total,
             rolewatch_account_pages_total,
             rolewatch_account_last_success_timestamp_seconds
  /healthz   200 while the process is alive
  /readyz    200 once the first cycle is done
  /status    each account's APIs, and how many profiles and associations
A failing API keeps its last good series and shows rolewatch_account_up 0, so
that rules joining them do not flap. Log events are JSON lines on stdout
(account-started, account-stopping, account-cycle-failed,
account-cycle-recovered). SIGTERM, SIGINT or SIGHUP: the cycle in flight
finishes (for at most 10 s), then exit 0.

The drifts are joined in Prometheus by the rules of rolewatch-fleet.yml, which
alert as the agents' own rules do (README, Fleet mode).

${optionsHelp(NOT_READ_BY.account)}`;
}

export function accountCommand(clock: Clock = systemClock): Command {
  return {
    name: "account",
    summary: "the account exporter: every instance profile and association of an account, for fleet mode",
    help: accountHelp,
    async run(io: Io) {
      const { events, http, loop } = await startAccountExporter({ argv: io.argv, env: io.env, clock });
      loop.start();
      const signal = await io.stopSignal;
      events.stopping({ signal });
      await stopWithin(loop, clock, STOP_DEADLINE_MS);
      await http.close();
      return EXIT.ok;
    },
  };
}
