/**
 * The targets' verdicts, what was driven how, and the printed table.
 */
import { CONTROL_PLANE_S, LIVE_HEAP_GROWTH_MIB, POLL_S, round, summarize } from "./figures.mjs";

/** Everything the table prints and the JSON holds: the figures, the targets' verdicts, and how each was measured. */
export function figuresOf(raw) {
  const f = summarize(raw);
  return { ...f, method: method(raw), targets: targets(f) };
}

function targets({ memory, cpu, calls, detection }) {
  const verdict = (ok) => (ok ? "PASS" : "MISS");
  const worstDetect = Math.max(detection.detectSeconds.max, ...Object.values(detection.worstCases).map((w) => w.detectSeconds));
  const worstResolve = Math.max(detection.resolveSeconds.max, ...Object.values(detection.worstCases).map((w) => w.resolveSeconds));
  return [
    { target: "steady RSS <= 1.5x an empty Node process", value: `${memory.ratioToEmpty}x (${memory.steadyMiB} / ${memory.emptyNodeMiB} MiB)`, verdict: verdict(memory.ratioToEmpty <= 1.5) },
    { target: "no RSS growth from poll 100 to 1,000 beyond noise", value: `+${memory.growthMiB} MiB (noise ${memory.noiseMiB} MiB); V8 heap ${memory.liveHeap?.heapTotalFromMiB} -> ${memory.liveHeap?.heapTotalToMiB} MiB`, verdict: verdict(memory.growthMiB <= memory.noiseMiB) },
    ...(memory.liveHeap ? [{ target: `  live objects (after a full GC, code apart), poll ${memory.liveHeap.fromCycle} to ${memory.liveHeap.toCycle}: <= +${LIVE_HEAP_GROWTH_MIB} MiB`, value: `${memory.liveHeap.objectsFromMiB} -> ${memory.liveHeap.objectsToMiB} MiB; V8 heap ${memory.liveHeap.heapTotalFromMiB} -> ${memory.liveHeap.heapTotalToMiB} MiB`, verdict: verdict(memory.liveHeap.objectsGrowthMiB <= LIVE_HEAP_GROWTH_MIB) }] : []),
    { target: "CPU per poll cycle >= 200x less than the naive cycle", value: `${cpu.ratioAverage}x (average poll), ${cpu.ratioFull}x (full cycle)`, verdict: cpu.naiveCycleMs === null ? "SKIP" : verdict(cpu.ratioAverage >= 200) },
    { target: "  the same, all-in: `run`'s CPU over one 15 s interval", value: `${cpu.ratioAllIn}x (${cpu.perPollIntervalAllInMs} ms; idle alone ${cpu.idleMsPerSecond} ms/s)`, verdict: cpu.naiveCycleMs === null ? "SKIP" : verdict(cpu.ratioAllIn >= 200) },
    { target: "one IMDS token fetch per token TTL", value: `one every ${calls.tokenUsedHours} h of a ${calls.tokenTtlHours} h TTL (${calls.tokenFetchesPerTtl} per TTL), ${calls.imdsRejected} x 401`, verdict: verdict(calls.tokenUsedHours !== null && calls.tokenUsedHours >= 0.9 * calls.tokenTtlHours && calls.imdsRejected === 0) },
    { target: "<= 15 IAM calls per instance per hour", value: `${calls.perInstancePerHour.iam} (max ${calls.iamMaxInAnHour} in an hour)`, verdict: verdict(calls.iamMaxInAnHour <= 15) },
    { target: "swap detected within one control-plane interval (300 s)", value: `max ${worstDetect} s`, verdict: verdict(worstDetect <= CONTROL_PLANE_S) },
    { target: "resolved within one poll interval (15 s) of delivery", value: `max ${worstResolve} s`, verdict: verdict(worstResolve <= POLL_S) },
  ];
}

function method(raw) {
  const h = raw.harness;
  const f = raw.fullCycles;
  return [
    `rolewatch: test/bench/run-harness.mjs builds the daemon with startDaemon(), as src/cli/run.ts does (persisted state, HTTP server, metrics, log events) and calls PollLoop.tick(), what node-cron calls, once per 15 s of a clock running ${h.scale}x real time (one poll every ${h.paceMs} ms; poll times skipped because a poll still ran, as node-cron skips them: ${h.skipped}), shared with the simulator, so STS (15 min), IAM and EC2 (5 min slot) and the hourly rotations come at their rates: ${h.cycles} polls in ${round(h.realSeconds)} s`,
    "RSS: VmRSS (/proc/PID/status) of that process, read from outside while it waits after every 50th poll (simulated time runs on meanwhile); empty Node: node -e \"setInterval(()=>{},1e9)\"; live heap: after a full GC forced between polls 100 and 101 and after the last (v8 --expose-gc switched on at that moment; `run` itself has no such flag)",
    `CPU per poll: process.cpuUsage() around each poll in the harness, polls ${h.cycles / 2 + 1} to ${h.cycles} (the first 500 are a warm-up: V8 compiles, sizes its heap; see the table), leaving out the first poll after each checkpoint (it catches up on what came due while the harness waited); full cycle: the same harness, ${f.cycles} polls at --poll-interval 2m --sts-interval 1m --control-plane-interval 1m, so that every poll calls STS, IAM and EC2; all-in: /proc/PID/task/*/schedstat of the real \`rolewatch run\` at its defaults, running in the background from the first harness to the end, after its start-up`,
    "naive: test/bench/naive-cycle.sh (curl: token, iam/info, role, credentials; aws sts get-caller-identity; aws iam get-instance-profile, signed with the served credentials) against a simulator, one cycle at each checkpoint of the two harnesses; CPU of the script and everything it ran, from bash `times`; ratios: each naive cycle over the polls just before it (same background load), median",
    "calls per hour and detection: the agent as `run` builds it and the simulator in one process on a ManualClock, polled every 15 s of fake time; counts from the simulator's stats() and apiStats(); swap trials seeded, so every run plays the same ones",
  ];
}

export function render(f) {
  const { memory: m, cpu: c, calls: k, detection: d, machine } = f;
  const rows = [
    ["memory", "", ""],
    ["  empty Node process, RSS", `${m.emptyNodeMiB} MiB`, ""],
    ["  rolewatch loaded, before the first poll", `${m.loadedMiB} MiB`, `+${round(m.loadedMiB - m.emptyNodeMiB)} MiB over empty`],
    ["  rolewatch after poll 100", `${m.at100MiB} MiB`, ""],
    [`  rolewatch, steady: median of polls ${m.steadyFromCycle} to ${m.finalCycle}`, `${m.steadyMiB} MiB`, `${m.ratioToEmpty}x empty; highest ${m.steadyMaxMiB} MiB; after poll ${m.finalCycle} ${m.finalMiB} MiB`],
    ["  growth, poll 100 to steady", `${m.growthMiB} MiB`, `noise ${m.noiseMiB} MiB; readings: ${m.checkpoints.map((p) => Math.round(p.MiB)).join(" ")}`],
    ...(m.liveHeap ? [[`  live objects after a full GC, poll ${m.liveHeap.fromCycle} / ${m.liveHeap.toCycle}`, `${m.liveHeap.objectsFromMiB} / ${m.liveHeap.objectsToMiB} MiB`, `compiled code ${m.liveHeap.codeFromMiB} / ${m.liveHeap.codeToMiB} MiB; V8 heap size ${m.liveHeap.heapTotalFromMiB} / ${m.liveHeap.heapTotalToMiB} MiB`]] : []),
    [`  real \`rolewatch run\` at its defaults, after ${m.realRun.polls} polls`, `${m.realRun.MiB} MiB`, "the background process below"],
    ...Object.entries(m.importsAboveEmptyMiB).map(([name, v]) => [`  + ${name}, alone`, `+${v} MiB`, "idle process, over empty"]),
    ["CPU (user + system)", "", ""],
    [`  rolewatch poll, IMDS only (median of polls ${c.steadyFromPoll} on)`, `${c.pollImdsOnlyMs} ms`, ""],
    ["  rolewatch poll, average at defaults", `${c.pollAverageMs} ms`, `STS, IAM, EC2 amortized; p99 ${c.pollP99Ms} ms; polls 101 to ${c.steadyFromPoll - 1}: ${c.pollAverageBeforeMs} ms`],
    ["  rolewatch full cycle (IMDS, STS, IAM, EC2)", `${c.fullCycleMs} ms`, `calls per poll: ${Object.entries(c.fullCycleCallsPerPoll).map(([a, n]) => `${a} ${n}`).join(", ")}`],
    [`  real \`rolewatch run\` at its defaults, all-in`, `${c.realRun.msPerSecond} ms/s`, `${c.realRun.polls} polls and the waits between them, over ${c.realRun.seconds} s; idle alone ${c.idleMsPerSecond} ms/s`],
    ["  rolewatch all-in per 15 s interval", `${c.perPollIntervalAllInMs} ms`, ""],
    ["  one /metrics scrape", `${c.scrapeMs} ms`, ""],
    ["  naive cycle (curl + aws CLI)", c.naiveCycleMs === null ? "skipped" : `${c.naiveCycleMs} ms`, c.naiveCyclesMs ? `median of ${c.naiveCyclesMs.length}, ${Math.round(Math.min(...c.naiveCyclesMs))} to ${Math.round(Math.max(...c.naiveCyclesMs))} ms; wall ${Math.round(c.naiveWallMs)} ms` : ""],
    ["  naive / rolewatch, average poll", c.ratioAverage === null ? "n/a" : `${c.ratioAverage}x`, c.ratioAverageEach ? `per block: ${c.ratioAverageEach.join(", ")}` : ""],
    ["  naive / rolewatch, full cycle", c.ratioFull === null ? "n/a" : `${c.ratioFull}x`, c.ratioFullEach ? `per block: ${c.ratioFullEach.join(", ")}` : ""],
    ["  naive / rolewatch, all-in per 15 s", `${c.ratioAllIn}x`, ""],
    ["  CPU seconds per hour", `${c.cpuSecondsPerHour.rolewatch} s`, `polls alone ${c.cpuSecondsPerHour.rolewatchPollsOnly} s; naive cron every minute ${c.cpuSecondsPerHour.naiveCronEveryMinute} s`],
    [`calls per instance per hour (defaults; ${k.hoursSimulated} h simulated)`, "rolewatch", "naive, cron every minute"],
    ...["tokenFetches", "imdsReads", "sts", "iam", "ec2"].map((key) => [`  ${key}`, `${k.perInstancePerHour[key]}`, k.naivePerHourCronEveryMinute ? `${k.naivePerHourCronEveryMinute[key]}` : "skipped"]),
    ["  IMDS token", `every ${k.tokenUsedHours} h`, `TTL ${k.tokenTtlHours} h; fetched at ${k.tokenFetchedAtHours.join(", ")} h`],
    ...k.fleet.map((x) => [`  fleet of ${x.instances}: IAM calls per second`, `${x.rolewatchIamPerSecond}`, x.naiveIamPerSecond === null ? "" : `${x.naiveIamPerSecond}`]),
    [`role swap (${d.trials} trials: random instance ids and moments)`, "min / median / max", ""],
    ["  swap to rolewatch_drift{profile_role_mismatch}=1", `${d.detectSeconds.min} / ${d.detectSeconds.median} / ${d.detectSeconds.max} s`, `control-plane interval ${d.controlPlaneIntervalSeconds} s`],
    ["  IMDS delivery to =0", `${d.resolveSeconds.min} / ${d.resolveSeconds.median} / ${d.resolveSeconds.max} s`, `poll interval ${d.pollIntervalSeconds} s`],
    ...Object.entries(d.worstCases).map(([name, w]) => [`  swap 1 ms ${name === "afterRegularRead" ? "after a regular read" : "after a read a rotation triggered"}`, `${w.detectSeconds} s`, `resolved ${w.resolveSeconds} s after delivery`]),
  ];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padStart(r[1] ? widths[1] : 0)}  ${r[2]}`.trimEnd()).join("\n");
  const targetWidth = Math.max(...f.targets.map((t) => t.target.length));
  const verdicts = f.targets.map((t) => `${t.verdict.padEnd(4)}  ${t.target.padEnd(targetWidth)}  ${t.value}`).join("\n");
  const flags = f.nodeFlags.args.length ? f.nodeFlags.args.join(" ") : "none";
  return `rolewatch benchmark — ${machine.nproc} CPU (${machine.cpu}), node ${machine.node} (flags, as ${f.nodeFlags.from}: ${flags}), load ${machine.loadAverage.map((x) => x.toFixed(1)).join(" ")}

${table}

targets
${verdicts}

how
${f.method.map((line) => `- ${line}`).join("\n")}
`;
}
