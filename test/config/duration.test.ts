import cron from "node-cron";
import { describe, expect, it } from "vitest";
import { cronExpression, formatDuration, parseDuration, POLL_INTERVALS } from "../../src/config.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["15s", 15_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["1m30s", 90_000],
    ["1h0m0s500ms", 3_600_500],
    ["1.5h", 5_400_000],
    ["0.1s", 100],
    ["15", 15_000],
    ["0.5", 500],
    ["  15s  ", 15_000],
    ["0", 0],
  ])("reads %j as %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    "", " ", "s", "15x", "15 s", "-5s", "+5s", "1.5ms", "30m1h", "5m5m", "15S", "1d", "h1", "1h 30m", "1e3", "Infinity", "NaN",
  ])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe("formatDuration", () => {
  it.each([
    [500, "500ms"],
    [15_000, "15s"],
    [90_000, "1m30s"],
    [5_400_000, "1h30m"],
    [21_600_000, "6h"],
    [0, "0s"],
  ])("writes %i ms as %j, which parseDuration reads back", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe("cronExpression", () => {
  const expected: [string, string][] = [
    ["1s", "* * * * * *"],
    ["2s", "*/2 * * * * *"],
    ["3s", "*/3 * * * * *"],
    ["4s", "*/4 * * * * *"],
    ["5s", "*/5 * * * * *"],
    ["6s", "*/6 * * * * *"],
    ["10s", "*/10 * * * * *"],
    ["12s", "*/12 * * * * *"],
    ["15s", "*/15 * * * * *"],
    ["20s", "*/20 * * * * *"],
    ["30s", "*/30 * * * * *"],
    ["1m", "0 * * * * *"],
    ["2m", "0 */2 * * * *"],
    ["3m", "0 */3 * * * *"],
    ["4m", "0 */4 * * * *"],
    ["5m", "0 */5 * * * *"],
    ["6m", "0 */6 * * * *"],
    ["10m", "0 */10 * * * *"],
    ["12m", "0 */12 * * * *"],
    ["15m", "0 */15 * * * *"],
    ["20m", "0 */20 * * * *"],
    ["30m", "0 */30 * * * *"],
  ];

  it("covers exactly the allowed poll intervals", () => {
    expect(expected.map(([text]) => parseDuration(text))).toEqual(POLL_INTERVALS);
  });

  it.each(expected)("every %s is %j, which node-cron accepts", (text, expression) => {
    const ms = parseDuration(text) ?? Number.NaN;
    expect(cronExpression(ms)).toBe(expression);
    expect(cron.validate(expression)).toBe(true);
  });

  it.each(["7s", "45s", "7m", "90m", "1h", "500ms", "0s", "40s"])("has no even schedule for %s", (text) => {
    const ms = parseDuration(text) ?? Number.NaN;
    expect(() => cronExpression(ms)).toThrow(RangeError);
  });
});
