import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, POLL_INTERVALS } from "../../src/config.js";

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

describe("POLL_INTERVALS", () => {
  it("are the intervals that divide a minute or an hour, so that polls fall on the same clock seconds every time", () => {
    const expected = ["1s", "2s", "3s", "4s", "5s", "6s", "10s", "12s", "15s", "20s", "30s", "1m", "2m", "3m", "4m", "5m", "6m", "10m", "12m", "15m", "20m", "30m"];
    expect(expected.map((text) => parseDuration(text))).toEqual(POLL_INTERVALS);
    for (const ms of POLL_INTERVALS) expect(ms < 60_000 ? 60_000 % ms : 3_600_000 % ms).toBe(0);
  });
});
