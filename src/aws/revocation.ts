/**
 * The time before which a role's sessions are revoked, read from its inline policy
 * `AWSRevokeOlderSessions` (docs/wire.md, Revoked sessions): a Deny of `*` on `*` with one
 * `DateLessThan` on `aws:TokenIssueTime`. Pure: the answer's text in, a time out. The document
 * is bounded and each value checked before it is used; the document itself is never kept or shown.
 */
import { ShapeError } from "../errors.js";

/** The name IAM's "Revoke active sessions" gives the policy. */
export const REVOCATION_POLICY = "AWSRevokeOlderSessions";

/**
 * A role's inline policies hold at most 10,240 characters together
 * (docs/wire.md, IAM inline role policies); URL-encoded, each may take three.
 * Past that the answer is not IAM's.
 */
const MAX_ENCODED = 3 * 10_240 + 4_096;

/** ISO 8601 with a zone, as the console writes the time (`2026-12-01T12:00:00Z`); a time without one would be read in local time. */
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

// A revocation is a moment of AWS's lifetime: after EC2 began, before 2100.
const EARLIEST = Date.UTC(2006, 7, 25);
const LATEST = Date.UTC(2100, 0, 1);

/**
 * The latest `aws:TokenIssueTime` the document denies sessions before; null when it holds no such
 * statement (it then revokes nothing). Throws ShapeError for a document that is not URL-encoded
 * JSON of bounded size, or whose time is out of format: that is not IAM's answer.
 */
export function revokedBefore(encoded: string): number | null {
  if (encoded.length > MAX_ENCODED) throw new ShapeError("<PolicyDocument> is longer than any inline policy");
  let document: unknown;
  try {
    document = JSON.parse(decodeURIComponent(encoded.trim()));
  } catch {
    // Not kept as the cause: the error would quote the document.
    throw new ShapeError("<PolicyDocument> is not URL-encoded JSON");
  }
  if (!isRecord(document)) throw new ShapeError("<PolicyDocument> is not a JSON object");
  // The grammar allows one statement as an object, or a list (IAM User Guide, "IAM JSON policy elements: Statement").
  const statements = Array.isArray(document.Statement) ? (document.Statement as unknown[]) : [document.Statement];
  const times = statements.map(denyBefore).filter((t): t is number => t !== null);
  return times.length === 0 ? null : Math.max(...times);
}

function denyBefore(statement: unknown): number | null {
  if (!isRecord(statement) || statement.Effect !== "Deny" || !onlyStar(statement.Action) || !onlyStar(statement.Resource)) return null;
  const condition = statement.Condition;
  if (!isRecord(condition) || Object.keys(condition).length !== 1 || !isRecord(condition.DateLessThan)) return null;
  const test = condition.DateLessThan;
  if (Object.keys(test).length !== 1 || !("aws:TokenIssueTime" in test)) return null;
  const value = test["aws:TokenIssueTime"];
  const text = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
  const at = typeof text === "string" ? isoTime(text) : null;
  if (at === null) throw new ShapeError("aws:TokenIssueTime is not an ISO 8601 time with a zone");
  return at;
}

function isoTime(text: string): number | null {
  const m = ISO_WITH_ZONE.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second, zoneHour, zoneMinute] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0", m[7] ?? "0", m[8] ?? "0"].map(Number) as number[];
  // Date.parse rolls 31 February over into March: the month's own length bounds the day.
  const monthDays = year !== undefined && month !== undefined ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  const fields = [[month, 1, 12], [day, 1, monthDays], [hour, 0, 23], [minute, 0, 59], [second, 0, 59], [zoneHour, 0, 14], [zoneMinute, 0, 59]] as const;
  if (!fields.every(([v, low, high]) => v !== undefined && v >= low && v <= high)) return null;
  const at = Date.parse(text);
  return Number.isFinite(at) && at >= EARLIEST && at < LATEST ? at : null;
}

function onlyStar(value: unknown): boolean {
  return value === "*" || (Array.isArray(value) && value.length === 1 && value[0] === "*");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
