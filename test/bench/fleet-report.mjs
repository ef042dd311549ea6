/**
 * The fleet section's figures and table: control-plane calls per second in
 * local and fleet mode, fleet-mode detection latency, the fleet simulator's
 * memory. Printed after the host table, which stays as it was.
 */
import { round } from "./figures.mjs";

/** The pages one account cycle needs: ListInstanceProfiles and DescribeIamInstanceProfileAssociations by 1000 (per region), as the exporter asks (per region). */
export const expectedPages = ({ instances, profiles }, iamPage, ec2Page) => ({ iam: Math.ceil(profiles / iamPage), ec2: Math.ceil(instances / ec2Page) });

/** `local`: calls per instance per hour at the defaults (figures.mjs, calls.perInstancePerHour). */
export function fleetFigures(fleet, local) {
  const { accountIntervalSeconds: interval, prometheus } = fleet;
  const accounts = fleet.cycles.map((c) => {
    const expected = expectedPages(c, fleet.iamPage, fleet.ec2Page);
    return {
      instances: c.instances,
      profiles: c.profiles,
      perCycle: { iam: c.iam.calls, ec2: c.ec2.calls, other: c.otherCalls },
      pagesAsExpected: c.iam.pages === expected.iam && c.ec2.pages === expected.ec2 && c.iam.calls === c.iam.pages && c.ec2.calls === c.ec2.pages,
      everyItemListed: c.iam.items === c.profiles && c.ec2.items === c.instances && c.seen.profiles === c.profiles && c.seen.associations === c.instances,
      cycleMs: round(c.cycleMs, 0),
      perSecond: {
        localIam: round((local.iam * c.instances) / 3600, 2),
        localEc2: round((local.ec2 * c.instances) / 3600, 2),
        fleetIam: round(c.iam.calls / interval, 3),
        fleetEc2: round(c.ec2.calls / interval, 3),
      },
    };
  });
  // The time to page the account is left out: against the simulator it is the simulator's and the exporter's own CPU, in one process, not AWS's.
  const { scrapeSeconds: scrape, evaluationSeconds: evaluation } = prometheus;
  return {
    accountIntervalSeconds: interval,
    localPerInstancePerHour: { iam: local.iam, ec2: local.ec2 },
    accounts,
    detection: {
      computed: true,
      minSeconds: 0,
      expectedSeconds: round(interval / 2 + scrape / 2 + evaluation / 2, 0),
      maxSeconds: round(interval + scrape + evaluation, 0),
      scrapeSeconds: scrape,
      evaluationSeconds: evaluation,
    },
    rss: { ...fleet.rss, startedMiB: round(fleet.rss.startedMiB), afterReadsMiB: round(fleet.rss.afterReadsMiB), readSeconds: round(fleet.rss.readSeconds) },
  };
}

const thousands = (n) => n.toLocaleString("en-US");

export function renderFleet(f, localDetection) {
  const d = f.detection;
  const rows = [
    [`fleet mode: one account exporter every ${f.accountIntervalSeconds} s, counted by the simulator`, "calls per cycle", "pages (IAM and EC2 by 1000)"],
    ...f.accounts.map((a) => [
      `  account of ${thousands(a.instances)} instances, ${thousands(a.profiles)} profiles`,
      `IAM ${a.perCycle.iam}, EC2 ${a.perCycle.ec2}`,
      `${a.pagesAsExpected ? "= ceil(P/1000) + ceil(N/1000)" : "NOT ceil(P/1000) + ceil(N/1000)"}; ${a.everyItemListed ? "every profile and association listed" : "items MISSING"}; cycle ${thousands(a.cycleMs)} ms (simulator and exporter in one process)`,
    ]),
    [`IAM / EC2 calls per second`, "local mode", "fleet mode"],
    ...f.accounts.map((a) => [
      `  ${thousands(a.instances)} instances`,
      `${a.perSecond.localIam} / ${a.perSecond.localEc2}`,
      `${a.perSecond.fleetIam} / ${a.perSecond.fleetEc2} (${round(a.perSecond.localIam / a.perSecond.fleetIam, 0)}x fewer IAM calls)`,
    ]),
    ["  local mode, per instance per hour", `${f.localPerInstancePerHour.iam} / ${f.localPerInstancePerHour.ec2}`, "measured on the fake clock (calls per hour)"],
    ["role swap to alert, fleet mode (computed, not measured)", "min / expected / max", ""],
    [
      "  account cycle + scrape + rule evaluation",
      `${d.minSeconds} / ${d.expectedSeconds} / ${d.maxSeconds} s`,
      `interval ${f.accountIntervalSeconds} s, scrape ${d.scrapeSeconds} s, evaluation ${d.evaluationSeconds} s (packaging/prometheus), plus the time to page the account${localDetection === null ? "" : `; local mode, measured above: max ${localDetection} s to the drift, before any scrape`}`,
    ],
    [`rolewatch sim --instances ${thousands(f.rss.instances)}`, "RSS", ""],
    ["  started, every IMDS listening", `${f.rss.startedMiB} MiB`, `${f.rss.listeners} listeners; first line ${thousands(f.rss.firstLineBytes)} bytes`],
    ["  after one IMDSv2 read of every instance", `${f.rss.afterReadsMiB} MiB`, `${f.rss.answered} answered with their own identity, in ${f.rss.readSeconds} s`],
  ];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padStart(r[1] ? widths[1] : 0)}  ${r[2]}`.trimEnd()).join("\n");
  const how = [
    "fleet: a fleet world (src/sim/scenario/fleet.ts, one profile per 50 instances) per size; one cycle of the account exporter (src/account/daemon.ts, as `rolewatch account` builds it) walks every page of ListInstanceProfiles (MaxItems 1000) and DescribeIamInstanceProfileAssociations (no filter, MaxResults 1000); calls and pages from the simulator's apiStats(); calls per second = calls per cycle / interval",
    "local: calls per instance per hour (fake clock, above) x instances / 3600",
    "detection, fleet mode: a swap at a random moment waits for the next cycle (0 to 60 s) and its pages, then for a scrape of the exporter and a rule evaluation (0 to 30 s each; the alert has no `for`): computed from those intervals; the exporter is not measured here",
  ];
  return `\nfleet\n${table}\n\nhow (fleet)\n${how.map((l) => `- ${l}`).join("\n")}\n`;
}
