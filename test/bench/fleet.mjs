/**
 * What watching an account costs its control plane in fleet mode, beside
 * local mode, counted by the simulator (docs/contract.md, Simulator fleet):
 *
 *   1. one account cycle of the account exporter itself (its cycle, as
 *      `rolewatch account` runs it every 60 s): every page of IAM
 *      ListInstanceProfiles (MaxItems 1000) and of EC2
 *      DescribeIamInstanceProfileAssociations without a filter (MaxResults
 *      1000), against a fleet world of 1,000, 10,000 and 100,000 instances (one
 *      profile per 50); the calls and pages are the simulator's API stats, the
 *      profiles and associations seen are the exporter's /status
 *   2. `rolewatch sim --instances 1000`: its RSS once started, and after one
 *      IMDSv2 read of every instance's identity and credentials
 *
 * Local mode's calls come from the calls per instance per hour measured by
 * fake-time.mjs. Detection latency in fleet mode is computed from intervals.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { cleanEnv } from "./daemon.mjs";
import { MiB, pause, rssBytes } from "./measure.mjs";

const dist = new URL("../../dist/", import.meta.url);
const { startSimulator } = await import(new URL("sim/index.js", dist).href);
const { startAccountExporter } = await import(new URL("account/daemon.js", dist).href);
const { systemClock } = await import(new URL("clock.js", dist).href);
const repo = fileURLToPath(new URL("../../", import.meta.url));

export const ACCOUNT_INTERVAL_S = 60;
/** BENCH_FAST=1: one account of 1,000, enough to see that the section runs. */
export const FLEET_SIZES = (process.env.BENCH_FLEET_SIZES ?? (process.env.BENCH_FAST === "1" ? "1000" : "1000,10000,100000")).split(",").map(Number);
const LISTENERS = 1000;
const IAM_PAGE = 1000;
const EC2_PAGE = 1000;
const LIST = "iam:ListInstanceProfiles";
const DESCRIBE = "ec2:DescribeIamInstanceProfileAssociations";

/** One account cycle against a fleet world of `instances`: the calls, pages and items the simulator counted, and how long it took. */
async function accountCycle(instances) {
  const builtFrom = performance.now();
  const sim = await startSimulator({ fleet: { instances, imds: "first" } });
  const buildMs = performance.now() - builtFrom;
  try {
    const { accessKeyId, secretAccessKey } = sim.world.admin;
    const env = { ...cleanEnv(), AWS_ENDPOINT_URL: sim.awsUrl, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, ROLEWATCH_LOG_LEVEL: "error" };
    const argv = ["--account-credentials", "environment", "--account-listen", "127.0.0.1:0", "--region", sim.world.region];
    const exporter = await startAccountExporter({ argv, env, clock: systemClock });
    const before = sim.apiStats();
    const started = performance.now();
    await exporter.loop.tick();
    const status = await (await fetch(`${exporter.http.url}/status`)).json();
    await exporter.http.close();
    const [account] = status.accounts;
    const profiles = account.profiles;
    const associations = Object.values(account.associations).reduce((a, b) => a + b, 0);
    const cycleMs = performance.now() - started;
    const after = sim.apiStats();
    const delta = (key) => ({
      calls: (after.calls[key] ?? 0) - (before.calls[key] ?? 0),
      pages: (after.pages[key]?.pages ?? 0) - (before.pages[key]?.pages ?? 0),
      items: (after.pages[key]?.items ?? 0) - (before.pages[key]?.items ?? 0),
    });
    const otherCalls = after.requests - before.requests - delta(LIST).calls - delta(DESCRIBE).calls;
    return { instances, profiles: sim.world.instanceProfiles.size, seen: { profiles, associations }, iam: delta(LIST), ec2: delta(DESCRIBE), otherCalls, cycleMs, buildMs };
  } finally {
    await sim.close();
  }
}

/** `rolewatch sim --instances N`: RSS after its first line, and after every instance's IMDS was read once. */
async function fleetSimRss(instances) {
  const child = spawn(process.execPath, [fileURLToPath(new URL("main.js", dist)), "sim", "--instances", String(instances)], { cwd: repo, env: cleanEnv(), stdio: ["ignore", "pipe", "inherit"] });
  try {
    const firstLine = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`rolewatch sim exited ${code}`)));
    });
    const endpoints = Object.entries(JSON.parse(firstLine).instances ?? {});
    await pause(1000);
    const startedBytes = rssBytes(child.pid);
    const readFrom = performance.now();
    let answered = 0;
    for (let i = 0; i < endpoints.length; i += 50) {
      const batch = endpoints.slice(i, i + 50).map(async ([instanceId, url]) => ((await readInstance(url)) === instanceId ? 1 : 0));
      answered += (await Promise.all(batch)).reduce((a, b) => a + b, 0);
    }
    const readSeconds = (performance.now() - readFrom) / 1000;
    await pause(1000);
    return { instances, listeners: endpoints.length, answered, startedMiB: startedBytes / MiB, afterReadsMiB: rssBytes(child.pid) / MiB, readSeconds, firstLineBytes: firstLine.length };
  } finally {
    child.kill("SIGTERM");
  }
}

/** A token, the identity document and the role's credentials, as an agent's first poll reads them; the instance id the document names. */
async function readInstance(url) {
  const token = await (await fetch(`${url}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } })).text();
  const headers = { "x-aws-ec2-metadata-token": token };
  const identity = await (await fetch(`${url}/latest/dynamic/instance-identity/document`, { headers })).json();
  const role = await (await fetch(`${url}/latest/meta-data/iam/security-credentials/`, { headers })).text();
  await (await fetch(`${url}/latest/meta-data/iam/security-credentials/${role}`, { headers })).text();
  return identity.instanceId;
}

/** Prometheus's scrape and rule evaluation intervals, as packaging/prometheus/prometheus.example.yml sets them. */
function prometheusIntervals() {
  const text = readFileSync(new URL("packaging/prometheus/prometheus.example.yml", `file://${repo}`), "utf8");
  const seconds = (key) => Number(new RegExp(`^\\s*${key}:\\s*(\\d+)s\\s*$`, "m").exec(text)?.[1] ?? NaN);
  return { scrapeSeconds: seconds("scrape_interval"), evaluationSeconds: seconds("evaluation_interval") };
}

export async function measureFleet() {
  const cycles = [];
  for (const instances of FLEET_SIZES) cycles.push(await accountCycle(instances));
  return { cycles, rss: await fleetSimRss(LISTENERS), prometheus: prometheusIntervals(), iamPage: IAM_PAGE, ec2Page: EC2_PAGE, accountIntervalSeconds: ACCOUNT_INTERVAL_S };
}
