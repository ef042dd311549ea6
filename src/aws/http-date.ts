/**
 * The `Date` of an AWS answer, the service's clock to the second: what the SDKs correct their
 * clock skew from (`getUpdatedSystemClockOffset` in @aws-sdk/core). Checked against its format
 * (src/formats.ts HTTP_DATE) before it is used; anything else is no date at all.
 */
import { HTTP_DATE } from "../formats.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// AWS's answers are dated after EC2 began and before 2100: a Date outside is not a clock to compare with.
const EARLIEST = Date.UTC(2006, 7, 25);
const LATEST = Date.UTC(2100, 0, 1);

/** Milliseconds since the epoch; null for a header absent, out of format, or naming no real instant. */
export function parseHttpDate(header: string | undefined): number | null {
  const m = header === undefined ? null : HTTP_DATE.exec(header);
  if (!m) return null;
  const [day, month, year, hour, minute, second] = [Number(m[1]), MONTHS.indexOf(m[2] ?? ""), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  const ms = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC rolls 31 Feb over into March and 24:00 into the next day; the round trip refuses both.
  const back = new Date(ms);
  const same = back.getUTCDate() === day && back.getUTCMonth() === month && back.getUTCHours() === hour && back.getUTCMinutes() === minute && back.getUTCSeconds() === second;
  return same && ms >= EARLIEST && ms < LATEST ? ms : null;
}
