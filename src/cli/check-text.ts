import type { CheckReport } from "../agent/report.js";

const STATUS_WORD = { ok: "OK", warning: "WARNING", critical: "CRITICAL", unknown: "UNKNOWN" } as const;

/**
 * The human report of `check`: a monitoring-plugin style first line, then each
 * source's view. Pure, so its shape is pinned by tests.
 */
export function checkText(report: CheckReport, now: number): string {
  const lines = [`ROLEWATCH ${STATUS_WORD[report.status]} - ${headline(report)}`, ""];
  lines.push("IMDS");
  const imds = report.imds;
  if (!imds.reachable) {
    lines.push(`  unreachable: ${imds.error ?? "unknown error"}`);
  } else {
    lines.push(
      row("instance profile", imds.profileArn ?? "none attached (iam/info is 404)"),
      row("role", imds.role ?? "none (iam/security-credentials/ is 404)"),
    );
    if (imds.code !== null && imds.code !== "Success") lines.push(row("code", imds.code));
    if (imds.accessKeyId !== null) {
      lines.push(
        row("access key id", imds.accessKeyId),
        row("last updated", `${imds.lastUpdated} (${relative(imds.lastUpdated, now)})`),
        row("expires", `${imds.expiration} (${relative(imds.expiration, now)})`),
      );
    }
  }
  if (report.instance) {
    lines.push("", "Instance", row("id", report.instance.id), row("account", report.instance.accountId), row("region", report.instance.region));
  }
  return lines.join("\n") + "\n";
}

function headline(report: CheckReport): string {
  const { imds } = report;
  if (!imds.reachable) return `IMDS cannot be read: ${imds.error ?? "unknown error"}`;
  if (imds.role === null) return "IMDS serves no role credentials";
  return `IMDS serves ${imds.role}${imds.accessKeyId ? ` (${imds.accessKeyId})` : ""}`;
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(17)} ${value}`;
}

function relative(iso: string | null, now: number): string {
  if (iso === null) return "unknown";
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
