/**
 * The targets' verdicts, what was driven how, and the printed table: memory
 * and CPU with one column per runtime (the packages' Node first), calls and
 * detection once.
 */
import { CONTROL_PLANE_S, LIVE_HEAP_GROWTH_MIB, POLL_S, round, summarize } from "./figures.mjs";

/** The issue's bars for a t4g.nano, on the Node the packages ship with the unit's flags. */
export const RSS_RATIO_MAX = 1.25;
export const WEEK_CHANGE_MAX_MIB = 2;
export const POLL_CPU_MAX_MS = 2;
export const IDLE_CPU_MAX_MS_PER_S = 0.3;
/** Two runs on the same machine agree when each ratio is within this of the other's. */
export const RUNS_AGREE_WITHIN = 0.2;

/** Everything the table prints and the JSON holds: the figures, the targets' verdicts, and how each was measured. */
export function figuresOf(raw) {
  const f = summarize(raw);
  return { ...f, method: method(raw), targets: targets(f) };
}

const verdict = (ok) => (ok ? "PASS" : "MISS");

/** Per runtime, the memory and CPU bars; once, the calls and the detection. */
function targets({ runtimes, calls, detection }) {
  const worstDetect = Math.max(detection.detectSeconds.max, ...Object.values(detection.worstCases).map((w) => w.detectSeconds));
  const worstResolve = Math.max(detection.resolveSeconds.max, ...Object.values(detection.worstCases).map((w) => w.resolveSeconds));
  return [
    ...runtimes.flatMap((rt) => runtimeTargets(rt).map((t) => ({ ...t, runtime: `node ${rt.version}` }))),
    { target: "one IMDS token fetch per token TTL", value: `one every ${calls.tokenUsedHours} h of a ${calls.tokenTtlHours} h TTL (${calls.tokenFetchesPerTtl} per TTL), ${calls.imdsRejected} x 401`, verdict: verdict(calls.tokenUsedHours !== null && calls.tokenUsedHours >= 0.9 * calls.tokenTtlHours && calls.imdsRejected === 0) },
    { target: "<= 15 IAM calls per instance per hour", value: `${calls.perInstancePerHour.iam} (max ${calls.iamMaxInAnHour} in an hour)`, verdict: verdict(calls.iamMaxInAnHour <= 15) },
    { target: "swap detected within one control-plane interval (300 s)", value: `max ${worstDetect} s`, verdict: verdict(worstDetect <= CONTROL_PLANE_S) },
    { target: "resolved within one poll interval (15 s) of delivery", value: `max ${worstResolve} s`, verdict: verdict(worstResolve <= POLL_S) },
  ];
}

function runtimeTargets({ memory, week, cpu }) {
  const skip = cpu.naiveCycleMs === null;
  return [
    { target: `steady RSS <= ${RSS_RATIO_MAX}x an empty Node process (same NODE_OPTIONS)`, value: `${memory.ratioToEmpty}x (${memory.steadyMiB} / ${memory.emptyNodeMiB} MiB)`, verdict: verdict(memory.ratioToEmpty <= RSS_RATIO_MAX) },
    ...(week ? [{ target: `RSS after a simulated week within ${WEEK_CHANGE_MAX_MIB} MiB of poll ${week.fromCycle}`, value: `${week.changeMiB >= 0 ? "+" : ""}${week.changeMiB} MiB (${week.fromMiB} -> ${week.toMiB} MiB over ${week.days} days, ${week.polls} polls)`, verdict: verdict(Math.abs(week.changeMiB) <= WEEK_CHANGE_MAX_MIB) }] : []),
    { target: "no RSS growth from poll 100 to 1,000 beyond noise", value: `+${memory.growthMiB} MiB (noise ${memory.noiseMiB} MiB); V8 heap ${memory.liveHeap?.heapTotalFromMiB} -> ${memory.liveHeap?.heapTotalToMiB} MiB`, verdict: verdict(memory.growthMiB <= memory.noiseMiB) },
    ...(memory.liveHeap ? [{ target: `  live objects (after a full GC, code apart), poll ${memory.liveHeap.fromCycle} to ${memory.liveHeap.toCycle}: <= +${LIVE_HEAP_GROWTH_MIB} MiB`, value: `${memory.liveHeap.objectsFromMiB} -> ${memory.liveHeap.objectsToMiB} MiB`, verdict: verdict(memory.liveHeap.objectsGrowthMiB <= LIVE_HEAP_GROWTH_MIB) }] : []),
    { target: `CPU per IMDS-only poll <= ${POLL_CPU_MAX_MS} ms (median)`, value: `${cpu.pollImdsOnlyMs} ms`, verdict: verdict(cpu.pollImdsOnlyMs <= POLL_CPU_MAX_MS) },
    { target: `idle CPU <= ${IDLE_CPU_MAX_MS_PER_S} ms per second`, value: `${cpu.idleMsPerSecond} ms/s (all-in ${cpu.realRun.msPerSecond} ms/s)`, verdict: verdict(cpu.idleMsPerSecond <= IDLE_CPU_MAX_MS_PER_S) },
    { target: "CPU per poll cycle >= 200x less than the naive cycle", value: `${cpu.ratioAverage}x (average poll), ${cpu.ratioFull}x (full cycle)`, verdict: skip ? "SKIP" : verdict(cpu.ratioAverage >= 200) },
    { target: "  the same, all-in: `run`'s CPU over one 15 s interval", value: `${cpu.ratioAllIn}x (${cpu.perPollIntervalAllInMs} ms)`, verdict: skip ? "SKIP" : verdict(cpu.ratioAllIn >= 200) },
  ];
}

function method(raw) {
  const shipped = raw.runtimes[0];
  const h = shipped.harness;
  const f = shipped.fullCycles;
  const w = shipped.week;
  return [
    `runtimes: ${raw.runtimes.map((rt) => `node ${rt.version} (${rt.label}, ${rt.node}) with NODE_OPTIONS="${rt.nodeFlags.args.join(" ")}" from ${rt.nodeFlags.from}`).join("; ")}: set in the environment, as the unit sets them, for every rolewatch process and the empty Node`,
    `rolewatch: test/bench/run-harness.mjs builds the daemon with startDaemon(), as src/cli/run.ts does (the packages' config.yaml, persisted state, HTTP server, metrics, log events) and calls PollLoop.tick(), what the schedule calls, once per 15 s of a clock running ${h.scale}x real time (one poll every ${h.paceMs} ms; poll times skipped because a poll still ran, as the schedule skips them: ${h.skipped}), shared with the simulator, so STS (15 min), IAM and EC2 (5 min slot) and the hourly rotations come at their rates: ${h.cycles} polls in ${round(h.realSeconds)} s`,
    "floor: a Node process with no library and no rolewatch code that loads only what any such agent must (node:http for its endpoint, node:https and node:crypto for signed AWS calls), listens, and makes the three GETs of a poll every 40 ms, by hand, each on a connection of its own as IMDS closes every one (test/bench/floor.mjs); RSS as for rolewatch",
    "RSS: VmRSS (/proc/PID/status) of that process, read from outside while it waits after every 50th poll (simulated time runs on meanwhile); empty Node: node -e \"setInterval(()=>{},1e9)\" with the same NODE_OPTIONS; live heap: after a full GC forced between polls 100 and 101 and after the last (v8 --expose-gc switched on at that moment; `run` itself has no such flag)",
    ...(w ? [`week: the same harness on node ${shipped.version}, ${w.cycles} polls (${round((w.cycles * POLL_S) / 86_400, 2)} days of 15 s polls) back to back on a manual clock that the harness moves 15 s before each poll and the simulator's follows, in ${round(w.realSeconds)} s; RSS read at poll ${w.from} and after each simulated day`] : []),
    `CPU per poll: process.cpuUsage() around each poll in the harness, polls ${h.cycles / 2 + 1} to ${h.cycles} (the first half is a warm-up: V8 sizes its heap), leaving out the first poll after each checkpoint (it catches up on what came due while the harness waited); full cycle: the same harness, ${f.cycles} polls at --poll-interval 2m --sts-interval 1m --control-plane-interval 1m, so that every poll calls STS, IAM and EC2; all-in: /proc/PID/task/*/schedstat of the real \`rolewatch run\` at its defaults, one per runtime, running in the background from the first harness to the end, after its start-up; idle: that, less its polls at the harness's average CPU per poll`,
    "naive: test/bench/naive-cycle.sh (curl: token, iam/info, role, credentials; aws sts get-caller-identity; aws iam get-instance-profile, signed with the served credentials) against a simulator, one cycle at each checkpoint of the harnesses; CPU of the script and everything it ran, from bash `times`; ratios: each naive cycle over the polls just before it (same background load), median",
    "calls per hour and detection: the agent as `run` builds it and the simulator in one process on a ManualClock, polled every 15 s of fake time; counts from the simulator's stats() and apiStats(); swap trials seeded, so every run plays the same ones",
  ];
}

const sign = (x) => `${x >= 0 ? "+" : ""}${x}`;

/** Rows of one cell per runtime: [label, ...cells]. */
function runtimeRows(runtimes) {
  const each = (fn) => runtimes.map(fn);
  const m = (fn) => each((rt) => fn(rt.memory, rt));
  const c = (fn) => each((rt) => fn(rt.cpu, rt));
  const first = runtimes[0].memory;
  return [
    ["memory", ...each(() => "")],
    ["  empty Node process, RSS", ...m((x) => `${x.emptyNodeMiB} MiB`)],
    ["  rolewatch loaded, before the first poll", ...m((x) => `${x.loadedMiB} MiB (+${round(x.loadedMiB - x.emptyNodeMiB)})`)],
    ["  rolewatch after poll 100", ...m((x) => `${x.at100MiB} MiB`)],
    [`  rolewatch, steady: median of polls ${first.steadyFromCycle} to ${first.finalCycle}`, ...m((x) => `${x.steadyMiB} MiB = ${x.ratioToEmpty}x empty`)],
    [`  floor: test/bench/floor.mjs after ${first.finalCycle} polls`, ...m((x) => `${x.floorMiB} MiB = ${x.floorRatioToEmpty}x empty`)],
    [`  highest of those / after poll ${first.finalCycle}`, ...m((x) => `${x.steadyMaxMiB} / ${x.finalMiB} MiB`)],
    ["  growth, poll 100 to steady (noise)", ...m((x) => `${sign(x.growthMiB)} MiB (${x.noiseMiB})`)],
    ...(first.liveHeap ? [[`  live objects after a full GC, poll ${first.liveHeap.fromCycle} / ${first.liveHeap.toCycle}`, ...m((x) => (x.liveHeap ? `${x.liveHeap.objectsFromMiB} / ${x.liveHeap.objectsToMiB} MiB` : ""))]] : []),
    ...(first.liveHeap ? [["  V8 heap size then", ...m((x) => (x.liveHeap ? `${x.liveHeap.heapTotalFromMiB} / ${x.liveHeap.heapTotalToMiB} MiB` : ""))]] : []),
    ["  a simulated week: RSS at poll 1,000 -> end", ...each((rt) => (rt.week ? `${rt.week.fromMiB} -> ${rt.week.toMiB} MiB (${sign(rt.week.changeMiB)})` : "not run"))],
    ["  real `rolewatch run` at its defaults, at the end", ...m((x) => `${x.realRun.MiB} MiB after ${x.realRun.polls} polls`)],
    ...Object.keys(first.importsAboveEmptyMiB).map((name) => [`  + ${name}, alone in an idle Node`, ...m((x) => `+${x.importsAboveEmptyMiB[name]} MiB`)]),
    ["CPU (user + system)", ...each(() => "")],
    [`  rolewatch poll, IMDS only (median of polls ${runtimes[0].cpu.steadyFromPoll} on)`, ...c((x) => `${x.pollImdsOnlyMs} ms`)],
    [`  floor: test/bench/floor.mjs poll, its three GETs (median of the second half)`, ...c((x) => `${x.floorPollMs} ms`)],
    ["  rolewatch poll, average at defaults (STS, IAM, EC2 amortized)", ...c((x) => `${x.pollAverageMs} ms`)],
    ["  p99 of those / average of polls 101 to 500", ...c((x) => `${x.pollP99Ms} / ${x.pollAverageBeforeMs} ms`)],
    ["  rolewatch full cycle (IMDS, STS, IAM, EC2)", ...c((x) => `${x.fullCycleMs} ms`)],
    ["  real `rolewatch run` at its defaults, all-in", ...c((x) => `${x.realRun.msPerSecond} ms/s (${x.realRun.polls} polls, ${x.realRun.seconds} s)`)],
    ["  idle alone", ...c((x) => `${x.idleMsPerSecond} ms/s`)],
    ["  rolewatch all-in per 15 s interval", ...c((x) => `${x.perPollIntervalAllInMs} ms`)],
    ["  one /metrics scrape", ...c((x) => `${x.scrapeMs} ms`)],
    ["  naive / rolewatch, average poll", ...c((x) => (x.ratioAverage === null ? "n/a" : `${x.ratioAverage}x`))],
    ["  naive / rolewatch, full cycle", ...c((x) => (x.ratioFull === null ? "n/a" : `${x.ratioFull}x`))],
    ["  naive / rolewatch, all-in per 15 s", ...c((x) => `${x.ratioAllIn}x`)],
    ["  CPU seconds per hour (polls alone)", ...c((x) => `${x.cpuSecondsPerHour.rolewatch} s (${x.cpuSecondsPerHour.rolewatchPollsOnly} s)`)],
  ];
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

export function render(f) {
  const { runtimes, calls: k, detection: d, machine } = f;
  const header = ["", ...runtimes.map((rt) => `node ${rt.version} (${rt.label})`)];
  const perRuntime = table([header, ...runtimeRows(runtimes)]);
  const naive = runtimes[0].cpu;
  const readings = runtimes.map((rt) => `  node ${rt.version}: RSS every 50 polls (MiB) ${rt.memory.checkpoints.map((p) => Math.round(p.MiB)).join(" ")}${rt.week ? `; the week, at polls ${rt.week.readings.map((p) => p.cycle).join(", ")}: ${rt.week.readings.map((p) => p.MiB).join(" ")}` : ""}`).join("\n");
  const shared = table([
    ["naive cycle (curl + aws CLI)", naive.naiveCycleMs === null ? "skipped" : `${naive.naiveCycleMs} ms`, naive.naiveCyclesMs ? `median of ${naive.naiveCyclesMs.length}, ${Math.round(Math.min(...naive.naiveCyclesMs))} to ${Math.round(Math.max(...naive.naiveCyclesMs))} ms; wall ${Math.round(naive.naiveWallMs)} ms; naive cron every minute ${naive.cpuSecondsPerHour.naiveCronEveryMinute} s of CPU an hour` : ""],
    [`calls per instance per hour (defaults; ${k.hoursSimulated} h simulated)`, "rolewatch", "naive, cron every minute"],
    ...["tokenFetches", "imdsReads", "sts", "iam", "ec2"].map((key) => [`  ${key}`, `${k.perInstancePerHour[key]}`, k.naivePerHourCronEveryMinute ? `${k.naivePerHourCronEveryMinute[key]}` : "skipped"]),
    ["  IMDS token", `every ${k.tokenUsedHours} h`, `TTL ${k.tokenTtlHours} h; fetched at ${k.tokenFetchedAtHours.join(", ")} h`],
    ...k.fleet.map((x) => [`  fleet of ${x.instances}: IAM calls per second`, `${x.rolewatchIamPerSecond}`, x.naiveIamPerSecond === null ? "" : `${x.naiveIamPerSecond}`]),
    [`role swap (${d.trials} trials: random instance ids and moments)`, "min / median / max", ""],
    ["  swap to rolewatch_drift{profile_role_mismatch}=1", `${d.detectSeconds.min} / ${d.detectSeconds.median} / ${d.detectSeconds.max} s`, `control-plane interval ${d.controlPlaneIntervalSeconds} s`],
    ["  IMDS delivery to =0", `${d.resolveSeconds.min} / ${d.resolveSeconds.median} / ${d.resolveSeconds.max} s`, `poll interval ${d.pollIntervalSeconds} s`],
    ...Object.entries(d.worstCases).map(([name, w]) => [`  swap 1 ms ${name === "afterRegularRead" ? "after a regular read" : "after a read a rotation triggered"}`, `${w.detectSeconds} s`, `resolved ${w.resolveSeconds} s after delivery`]),
  ]);
  const targetWidth = Math.max(...f.targets.map((t) => t.target.length));
  const runtimeWidth = Math.max(...f.targets.map((t) => (t.runtime ?? "").length));
  const verdicts = f.targets.map((t) => `${t.verdict.padEnd(4)}  ${(t.runtime ?? "").padEnd(runtimeWidth)}  ${t.target.padEnd(targetWidth)}  ${t.value}`).join("\n");
  const flags = runtimes.map((rt) => `node ${rt.version}: NODE_OPTIONS="${rt.nodeFlags.args.join(" ")}" (${rt.nodeFlags.from})`).join("; ");
  return `rolewatch benchmark${f.fast ? " (BENCH_FAST: a check that it runs, not a measurement)" : ""} — ${machine.nproc} CPU (${machine.cpu}), load ${machine.loadAverage.map((x) => x.toFixed(1)).join(" ")} -> ${(machine.loadAverageAfter ?? []).map((x) => x.toFixed(1)).join(" ")}
${flags}

${perRuntime}
${readings}

${shared}

targets
${verdicts}

how
${f.method.map((line) => `- ${line}`).join("\n")}
`;
}

/** The ratios two runs are compared on: each runtime's steady RSS over empty and naive over rolewatch CPU. */
export function ratiosOf(figures) {
  const out = {};
  for (const rt of figures.runtimes) {
    out[`node ${rt.version}: steady RSS / empty`] = rt.memory.ratioToEmpty;
    if (rt.cpu.ratioAverage !== null) out[`node ${rt.version}: naive / rolewatch, average poll`] = rt.cpu.ratioAverage;
    if (rt.cpu.ratioFull !== null) out[`node ${rt.version}: naive / rolewatch, full cycle`] = rt.cpu.ratioFull;
    out[`node ${rt.version}: naive / rolewatch, all-in`] = rt.cpu.ratioAllIn;
  }
  return out;
}

/** This run's ratios beside the previous run's (out/bench.previous.json), and whether each is within RUNS_AGREE_WITHIN. */
export function compareRuns(now, previous) {
  const a = ratiosOf(now);
  const b = ratiosOf(previous);
  const rows = Object.keys(a).filter((k) => k in b).map((k) => {
    const change = (a[k] - b[k]) / b[k];
    return { ratio: k, now: a[k], previous: b[k], change: round(change * 100, 1), verdict: verdict(Math.abs(change) <= RUNS_AGREE_WITHIN) };
  });
  const width = Math.max(...rows.map((r) => r.ratio.length), 0);
  const text = rows.map((r) => `${r.verdict}  ${r.ratio.padEnd(width)}  ${r.now} (previous ${r.previous}, ${sign(r.change)} %)`).join("\n");
  return { rows, text: `against the previous run (within ${RUNS_AGREE_WITHIN * 100} %)\n${text}\n` };
}
