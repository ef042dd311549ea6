/**
 * From the raw measurements to the figures the table prints and the JSON
 * holds: memory, CPU, calls per hour, detection latency.
 */
import { mean, median, MiB, quantile } from "./measure.mjs";

export const POLL_S = 15;
export const CONTROL_PLANE_S = 300;
const FLEETS = [1_000, 10_000];
const NAIVE_CRON_PER_HOUR = 60; // cron's finest schedule: once a minute
/** Live-heap growth over the run beyond which objects are being kept (a leak). RSS can grow while the live heap does not: V8 sizes its heap to the allocation rate. */
export const LIVE_HEAP_GROWTH_MIB = 1;
/** The least RSS growth counted as growth: a few percent of the process, about what one heap page step moves. */
const RSS_NOISE_MIB = 2;

export const round = (x, digits = 1) => Number(x.toFixed(digits));
const mib = (bytes) => round(bytes / MiB, 1);
const ms = (micros) => round(micros / 1000, 2);
const spread = (xs) => ({ min: round(Math.min(...xs)), median: round(median(xs)), max: round(Math.max(...xs)) });

/** Memory, CPU and the week per runtime (the packages' Node first); calls and detection once, as they do not depend on it. */
export function summarize(raw) {
  const runtimes = raw.runtimes.map((rt) => ({
    id: rt.id,
    label: rt.label,
    version: rt.version,
    nodeFlags: rt.nodeFlags,
    memory: memoryFigures(rt),
    week: rt.week ? weekFigures(rt.week) : null,
    cpu: cpuFigures({ ...rt, naive: raw.naive }),
  }));
  return { machine: raw.machine, fast: raw.fast, runtimes, calls: callFigures(raw), detection: detectionFigures(raw) };
}

/**
 * A simulated week of polls back to back: RSS at each reading, its change from
 * the first reading (poll 1,000) to the last, and the live heap at both.
 */
function weekFigures(week) {
  const first = week.rss.find((p) => p.cycle >= week.from) ?? week.rss[0];
  const last = week.rss.at(-1);
  const live = liveHeap(week.rss);
  return {
    polls: week.cycles,
    days: round((week.cycles * POLL_S) / 86_400, 2),
    realSeconds: round(week.realSeconds),
    fromCycle: first.cycle,
    fromMiB: mib(first.bytes),
    toCycle: last.cycle,
    toMiB: mib(last.bytes),
    changeMiB: mib(last.bytes - first.bytes),
    maxMiB: mib(Math.max(...week.rss.map((p) => p.bytes))),
    liveHeap: live,
    readings: week.rss.map((p) => ({ cycle: p.cycle, MiB: mib(p.bytes) })),
    pollCpuMs: ms(median(week.perPollCpuMicros.slice(first.cycle))),
    tokenFetches: week.imds.tokenPuts,
  };
}

/**
 * RSS moves in steps as V8 grows and shrinks its heap, so one reading is a
 * sample: steady state is the median of the readings from the middle of the
 * run to its end. Growth is that against the reading at poll 100; what counts
 * as noise is the larger of RSS_NOISE_MIB and the spread of the readings up
 * to poll 300.
 */
function memoryFigures({ emptyNodeRss, floor, imports, harness, realRun }) {
  const floorRss = floor.bytes;
  const empty = median(emptyNodeRss);
  const last = harness.rss.at(-1);
  const at100 = harness.rss.find((p) => p.cycle === 100)?.bytes ?? NaN;
  const steadyReadings = harness.rss.filter((p) => p.cycle >= last.cycle / 2).map((p) => p.bytes);
  const steady = median(steadyReadings);
  const early = harness.rss.filter((p) => p.cycle >= 100 && p.cycle <= 300).map((p) => p.bytes);
  return {
    emptyNodeMiB: mib(empty),
    loadedMiB: mib(harness.rssLoaded),
    at100MiB: mib(at100),
    finalCycle: last.cycle,
    finalMiB: mib(last.bytes),
    steadyFromCycle: Math.ceil(last.cycle / 2 / 100) * 100,
    steadyMiB: mib(steady),
    steadyMaxMiB: mib(Math.max(...steadyReadings)),
    ratioToEmpty: round(steady / empty, 2),
    floorMiB: mib(floorRss),
    floorRatioToEmpty: round(floorRss / empty, 2),
    growthMiB: mib(steady - at100),
    noiseMiB: round(Math.max(RSS_NOISE_MIB, (Math.max(...early) - Math.min(...early)) / MiB), 1),
    heapUsedMiB: mib(harness.metrics["nodejs_heap_size_used_bytes"] ?? NaN),
    heapTotalMiB: mib(harness.metrics["nodejs_heap_size_total_bytes"] ?? NaN),
    liveHeap: liveHeap(harness.rss),
    checkpoints: harness.rss.map((p) => ({ cycle: p.cycle, MiB: mib(p.bytes) })),
    importsAboveEmptyMiB: Object.fromEntries(Object.entries(imports).map(([name, bytes]) => [name, mib(bytes - empty)])),
    realRun: { polls: realRun.polls + 1, MiB: mib(realRun.rss) },
  };
}

/** The live heap (after a full garbage collection) at the first and last checkpoints that have one: objects, and compiled code apart. */
function liveHeap(checkpoints) {
  const collected = checkpoints.filter((p) => p.afterGc);
  if (collected.length < 2) return null;
  const [first, last] = [collected[0].afterGc, collected.at(-1).afterGc];
  return {
    fromCycle: collected[0].cycle,
    toCycle: collected.at(-1).cycle,
    objectsFromMiB: round(first.objectsUsed / MiB, 2),
    objectsToMiB: round(last.objectsUsed / MiB, 2),
    objectsGrowthMiB: round((last.objectsUsed - first.objectsUsed) / MiB, 2),
    codeFromMiB: round(first.codeUsed / MiB, 2),
    codeToMiB: round(last.codeUsed / MiB, 2),
    heapTotalFromMiB: mib(first.heapTotal),
    heapTotalToMiB: mib(last.heapTotal),
  };
}

/**
 * The polls of a harness run in blocks, one per checkpoint: from the second
 * poll after the previous checkpoint (the first catches up on what came due
 * while the harness waited) to the checkpoint; polls up to `warmup` left out.
 * Each block comes with what was measured at its checkpoint (a naive cycle).
 */
function blocks(run, warmup) {
  let previous = 0;
  return run.rss.map((checkpoint) => {
    const polls = run.perPollCpuMicros.slice(Math.max(previous + 1, warmup), checkpoint.cycle);
    previous = checkpoint.cycle;
    return { cycle: checkpoint.cycle, polls, companion: checkpoint.companion?.[0] ?? null };
  }).filter((b) => b.polls.length > 0);
}

/** naive / rolewatch per block, each naive cycle beside the polls just before it; the median of those. */
function pairedRatio(blockList, statistic) {
  const ratios = blockList.filter((b) => b.companion !== null).map((b) => b.companion / statistic(b.polls));
  return ratios.length ? { median: round(median(ratios), 0), each: ratios.map((x) => round(x, 0)) } : null;
}

function cpuFigures({ harness, fullCycles, realRun, naive, floor }) {
  // The second half: past the warm-up (V8 compiling hot paths, sizing its heap), as in a daemon that runs for days.
  const steadyBlocks = blocks(harness, harness.cycles / 2 + 1);
  const warmup = blocks(harness, 101).filter((b) => b.cycle <= harness.cycles / 2).flatMap((b) => b.polls);
  const steady = steadyBlocks.flatMap((b) => b.polls);
  const pollMean = mean(steady);
  const fullBlocks = blocks(fullCycles, 10);
  const full = fullBlocks.flatMap((b) => b.polls);
  const fullMedian = median(full);
  const allInPerPoll = realRun.cpuMicrosPerSecond * POLL_S;
  const idlePerSecond = (realRun.cpuMicrosPerSecond * realRun.seconds - realRun.polls * pollMean) / realRun.seconds;
  const naiveCpu = naive.skipped ? null : naive.cycles.map((c) => c.cpuMicros);
  const naiveMedian = naiveCpu ? median(naiveCpu) : NaN;
  const calls = fullCycles.api.calls;
  const average = pairedRatio(steadyBlocks, mean);
  const fullRatio = pairedRatio(fullBlocks, median);
  return {
    steadyFromPoll: harness.cycles / 2 + 1,
    pollImdsOnlyMs: ms(median(steady)),
    floorPollMs: ms(median(floor.pollCpuMicros.slice(floor.pollCpuMicros.length / 2))),
    pollAverageMs: ms(pollMean),
    pollAverageBeforeMs: ms(mean(warmup)),
    pollP99Ms: ms(quantile(steady, 0.99)),
    fullCycleMs: ms(fullMedian),
    fullCycleCallsPerPoll: {
      sts: round((calls["sts:GetCallerIdentity"] ?? 0) / fullCycles.cycles, 2),
      iam: round((calls["iam:GetInstanceProfile"] ?? 0) / fullCycles.cycles, 2),
      ec2: round((calls["ec2:DescribeIamInstanceProfileAssociations"] ?? 0) / fullCycles.cycles, 2),
    },
    realRun: { seconds: round(realRun.seconds), polls: realRun.polls, msPerSecond: ms(realRun.cpuMicrosPerSecond) },
    idleMsPerSecond: ms(idlePerSecond),
    perPollIntervalAllInMs: ms(allInPerPoll),
    scrapeMs: ms(harness.scrapeCpuMicros),
    naiveCycleMs: naiveCpu ? ms(naiveMedian) : null,
    naiveCyclesMs: naiveCpu?.map(ms) ?? null,
    naiveWallMs: naive.skipped ? null : ms(median(naive.cycles.map((c) => c.wallMs * 1000))),
    naiveAwsCli: naive.cli ?? null,
    ratioAverage: average?.median ?? null,
    ratioAverageEach: average?.each ?? null,
    ratioFull: fullRatio?.median ?? null,
    ratioFullEach: fullRatio?.each ?? null,
    ratioAllIn: round(naiveMedian / allInPerPoll, 1),
    cpuSecondsPerHour: {
      rolewatch: round((3600 * realRun.cpuMicrosPerSecond) / 1e6, 2),
      rolewatchPollsOnly: round(((3600 / POLL_S) * pollMean) / 1e6, 2),
      naiveCronEveryMinute: round((NAIVE_CRON_PER_HOUR * naiveMedian) / 1e6, 2),
    },
  };
}

function callFigures({ hours, naive }) {
  const steadyHours = hours.perHour.slice(1);
  const avg = (key) => round(mean(steadyHours.map((h) => h[key])), 2);
  const perHour = { tokenFetches: avg("tokenFetches"), imdsReads: avg("imdsReads"), sts: avg("sts"), iam: avg("iam"), ec2: avg("ec2") };
  const gaps = hours.tokenFetchedAt.slice(1).map((t, i) => t - hours.tokenFetchedAt[i]);
  const ttlHours = hours.tokenTtlSeconds / 3600;
  const naivePerHour = naive.skipped ? null : Object.fromEntries(Object.entries(naive.perCycle).map(([k, v]) => [k, v * NAIVE_CRON_PER_HOUR]));
  return {
    hoursSimulated: hours.perHour.length,
    perInstancePerHour: perHour,
    firstHour: hours.perHour[0],
    iamMaxInAnHour: Math.max(...steadyHours.map((h) => h.iam)),
    imdsRejected: hours.perHour.reduce((s, h) => s + h.imdsRejected, 0),
    tokenFetchedAtHours: hours.tokenFetchedAt.map((t) => round(t, 2)),
    tokenUsedHours: gaps.length ? round(mean(gaps), 2) : null,
    tokenTtlHours: ttlHours,
    tokenFetchesPerTtl: gaps.length ? round(ttlHours / mean(gaps), 2) : null,
    naivePerCycle: naive.perCycle ?? null,
    naivePerHourCronEveryMinute: naivePerHour,
    fleet: FLEETS.map((n) => ({
      instances: n,
      rolewatchIamPerSecond: round((perHour.iam * n) / 3600, 2),
      naiveIamPerSecond: naivePerHour ? round((naivePerHour.iam * n) / 3600, 1) : null,
    })),
  };
}

function detectionFigures({ detection, worstCases }) {
  return {
    trials: detection.length,
    detectSeconds: spread(detection.map((t) => t.detectSeconds)),
    resolveSeconds: spread(detection.map((t) => t.resolveSeconds)),
    worstCases: Object.fromEntries(Object.entries(worstCases).map(([k, t]) => [k, { detectSeconds: round(t.detectSeconds), resolveSeconds: round(t.resolveSeconds) }])),
    controlPlaneIntervalSeconds: CONTROL_PLANE_S,
    pollIntervalSeconds: POLL_S,
  };
}

