import type { CheckReport } from "../agent/report.js";
import { isoSeconds } from "../clock.js";
import { explain } from "./remedies.js";
import { printableStrings, wrap } from "../text.js";

const STATUS_WORD = { ok: "OK", warning: "WARNING", critical: "CRITICAL", unknown: "UNKNOWN" } as const;

/**
 * The human report of `check`: a monitoring-plugin style first line, each
 * source's view side by side, then each drift with its start, what it means
 * and the commands that end it. Pure, so a golden file pins it. Every value
 * is printed with its control characters escaped: they come from IMDS and
 * AWS, and a terminal would act on them.
 */
export function checkText(shown: CheckReport, now: number): string {
  const report = printableStrings(shown);
  const lines = [`ROLEWATCH ${STATUS_WORD[report.status]} - ${headline(report)}`, "", ...table(viewRows(report, now)), ""];
  if (report.drifts.length > 0) lines.push("Drifts", ...startsFrom(report), ...report.drifts.flatMap((d) => driftLines(d, report, now)));
  if (report.instance) lines.push(`Instance ${report.instance.id} in account ${report.instance.accountId}, ${report.instance.region}`);
  return lines.join("\n").trimEnd() + "\n";
}

const SOURCE_LABEL = { imds: "IMDS", sts: "STS", profile: "IAM instance profile", association: "EC2 association" } as const;

function headline(report: CheckReport): string {
  const clock = report.clock?.state === "skewed" ? `; clock skewed: ${report.clock.reason ?? "no reason given"}` : "";
  return verdictLine(report) + clock;
}

function verdictLine(report: CheckReport): string {
  const { imds, drifts } = report;
  const notFresh = unreadableText(report);
  if (drifts.length > 0) return drifts.map((d) => d.kind).join(", ") + (notFresh ? `; ${notFresh}` : "");
  if (notFresh) return notFresh;
  if (!imds.reachable) return `IMDS cannot be read: ${imds.error ?? "unknown error"}`;
  if (imds.role === null) return "IMDS serves no role credentials";
  const confirmed = [report.sts, report.profile].every((v) => v !== null && !("error" in v));
  return `IMDS serves ${imds.role}${imds.accessKeyId ? ` (${imds.accessKeyId})` : ""}${confirmed ? ", and STS and the instance profile agree" : ""}`;
}

/** Each enabled source that did not answer now, and why (docs/contract.md, Source states); "" when all did. */
function unreadableText(report: CheckReport): string {
  const parts = Object.entries(report.sources).flatMap(([name, s]) => {
    if (s.state === "fresh" || s.state === "none") return [];
    const since = s.since ? ` since ${s.since}` : "";
    return [`${SOURCE_LABEL[name as keyof typeof SOURCE_LABEL]} ${s.state}${since}: ${s.reason ?? "no answer"}`];
  });
  return parts.length > 0 ? `not fresh: ${parts.join("; ")}` : "";
}

type Row = [string, string, string, string];

function viewRows(report: CheckReport, now: number): Row[] {
  const rows: Row[] = [["", "role", "key / id", "detail"]];
  const { imds, sts, profile, association } = report;
  const lastRead = report.sources.imds?.since;
  if (!imds.reachable) rows.push(["IMDS", imds.role ?? "?", imds.accessKeyId ?? "", (imds.error ?? "unreachable") + (lastRead ? `; last read ${lastRead}` : "")]);
  else {
    const times = imds.expiration ? `expires ${imds.expiration} (${relative(imds.expiration, now)})` : imds.code && imds.code !== "Success" ? `code ${imds.code}` : "no credentials served";
    const profileName = imds.profileArn ? `profile ${imds.profileArn.split("/").pop() ?? ""}, ` : "no profile attached, ";
    rows.push(["IMDS", imds.role ?? "-", imds.accessKeyId ?? "-", profileName + times]);
  }
  if (sts === null) rows.push(["STS", "", "", "not asked"]);
  else if ("error" in sts) rows.push(["STS", "?", "", sts.error]);
  else rows.push(["STS", sts.role, `${sts.roleId}:${sts.session}`, `account ${sts.account}`]);
  if (profile === null) rows.push(["instance profile", "", "", "not read"]);
  else if ("error" in profile) rows.push(["instance profile", "?", "", profile.error]);
  else rows.push(["instance profile", profile.roles.map((r) => r.name).join(", ") || "(none)", profile.roles.map((r) => r.id).join(", ") || "-", profile.name]);
  if (association === null) rows.push(["association", "", "", "not read"]);
  else if ("error" in association) rows.push(["association", "", "", association.error]);
  else rows.push(["association", "", association.associationId ?? "-", `${association.arn.split("/").pop() ?? ""} ${association.state}`]);
  const { revocation } = report;
  if (revocation && "error" in revocation) rows.push(["role sessions", "?", "", `AWSRevokeOlderSessions: ${revocation.error}`]);
  else if (revocation) {
    const revoked = revocation.revokedBefore === null ? "none revoked (no AWSRevokeOlderSessions)" : `revoked if issued before ${revocation.revokedBefore} (AWSRevokeOlderSessions)`;
    rows.push(["role sessions", revocation.role, "", revoked]);
  }
  return rows;
}

function table(rows: Row[]): string[] {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  return rows.map((r) => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c] ?? 0) : cell)).join("  ").trimEnd());
}

function driftLines(d: CheckReport["drifts"][number], report: CheckReport, now: number): string[] {
  const { meaning, commands } = explain(d.kind as Parameters<typeof explain>[0], report, isoSeconds(now));
  return [
    `  ${d.severity.toUpperCase()} ${d.kind} since ${d.since} (open ${humanSpan(Math.max(0, Math.round((now - Date.parse(d.since)) / 1000)))})`,
    ...(d.detail ? [`    ${d.detail}`] : []),
    ...wrap(meaning, 96).map((l) => `    ${l}`),
    ...commands.map((c) => `      $ ${c}`),
    "",
  ];
}

/** Where the starts below come from, when not from the daemon's state. */
function startsFrom(report: CheckReport): string[] {
  const file = report.stateFile;
  if (file === undefined || file.read) return [];
  const reason = file.reason ?? "";
  const why = reason === "no state file" ? "does not exist" : reason.startsWith("cannot be read") ? reason : `is not usable (${reason})`;
  return [`  (each starts at this observation: the daemon's state ${file.path} ${why})`, ""];
}

function relative(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const span = humanSpan(Math.abs(seconds));
  return seconds >= 0 ? `in ${span}` : `${span} ago`;
}

export function humanSpan(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
