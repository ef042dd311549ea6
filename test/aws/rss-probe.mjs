#!/usr/bin/env node
/**
 * What each way of calling STS, IAM and EC2 costs in resident memory.
 *
 *   node test/aws/rss-probe.mjs [runs]     (default 3 runs of each variant, interleaved)
 *
 * Each variant is a fresh `node --expose-gc` process that loads its client,
 * makes its call(s) against a loopback server answering the docs/wire.md
 * bodies, runs the GC twice, and prints its RSS. Our own path (src/aws) is
 * compiled with tsc into a temporary directory first. Not a test: numbers for
 * the choice made in src/aws/sigv4.ts and src/aws/xml.ts.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const runs = Number(process.argv[2] ?? 3);

const BODIES = {
  GetCallerIdentity: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/my-ec2-role/i-0123456789abcdef0</Arn><UserId>AROA3XFRBF535PLBIFPI4:i-0123456789abcdef0</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  GetInstanceProfile: `<GetInstanceProfileResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetInstanceProfileResult><InstanceProfile><InstanceProfileId>AIPAD5ARO2C5EXAMPLE3G</InstanceProfileId><Roles><member><Path>/</Path><Arn>arn:aws:iam::123456789012:role/my-ec2-role</Arn><RoleName>my-ec2-role</RoleName><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><CreateDate>2012-05-09T15:45:35Z</CreateDate><RoleId>AROA3XFRBF535PLBIFPI4</RoleId></member></Roles><InstanceProfileName>my-profile</InstanceProfileName><Path>/</Path><Arn>arn:aws:iam::123456789012:instance-profile/my-profile</Arn><CreateDate>2012-05-09T16:11:10Z</CreateDate></InstanceProfile></GetInstanceProfileResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetInstanceProfileResponse>`,
  DescribeIamInstanceProfileAssociations: `<DescribeIamInstanceProfileAssociationsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><iamInstanceProfileAssociationSet><item><associationId>iip-assoc-0db249b1f25fa24b8</associationId><instanceId>i-0123456789abcdef0</instanceId><iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/my-profile</arn><id>AIPAD5ARO2C5EXAMPLE3G</id></iamInstanceProfile><state>associated</state><timestamp>2024-01-01T00:00:00.000Z</timestamp></item></iamInstanceProfileAssociationSet></DescribeIamInstanceProfileAssociationsResponse>`,
};

const SDK_CONFIG = `{ region: "eu-west-1", endpoint: process.env.PROBE_URL, maxAttempts: 1, credentials: { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "s", sessionToken: "t" } }`;
const sdk = {
  sts: `const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
        await new STSClient(${SDK_CONFIG}).send(new GetCallerIdentityCommand({}));`,
  iam: `const { IAMClient, GetInstanceProfileCommand } = await import("@aws-sdk/client-iam");
        await new IAMClient(${SDK_CONFIG}).send(new GetInstanceProfileCommand({ InstanceProfileName: "my-profile" }));`,
  ec2: `const { EC2Client, DescribeIamInstanceProfileAssociationsCommand } = await import("@aws-sdk/client-ec2");
        await new EC2Client(${SDK_CONFIG}).send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: "instance-id", Values: ["i-0123456789abcdef0"] }] }));`,
};

/** What any HTTP-calling daemon pays already: Node's http, https, crypto and fs, three POSTs. */
const BASE = "node:http(s) + crypto + fs, three POSTs (no AWS code)";

function variants(ours) {
  return {
    "empty node": ``,
    [BASE]: `
        await import("node:https"); const { request } = await import("node:http");
        const { createHmac } = await import("node:crypto"); createHmac("sha256", "k").update("x").digest();
        JSON.parse((await import("node:fs")).readFileSync("package.json", "utf8"));
        for (let i = 0; i < 3; i++) await new Promise((done) => request(process.env.PROBE_URL, { method: "POST", agent: false, signal: AbortSignal.timeout(5000) }, (r) => { r.resume(); r.on("end", done); }).end("Action=GetCallerIdentity"));`,
    "@aws-sdk/client-sts + GetCallerIdentity": sdk.sts,
    "@aws-sdk/client-iam + GetInstanceProfile": sdk.iam,
    "@aws-sdk/client-ec2 + DescribeIamInstanceProfileAssociations": sdk.ec2,
    "client-sts + client-iam + client-ec2, one call each": `${sdk.sts}\n${sdk.iam}\n${sdk.ec2}`,
    "@smithy/signature-v4 alone (signing one request)": `
        const { SignatureV4 } = await import("@smithy/signature-v4");
        const { createHash, createHmac } = await import("node:crypto");
        class H { constructor(k) { this.h = k ? createHmac("sha256", k) : createHash("sha256"); } update(d) { this.h.update(d); } async digest() { return this.h.digest(); } }
        const s = new SignatureV4({ credentials: { accessKeyId: "A", secretAccessKey: "s" }, region: "eu-west-1", service: "sts", sha256: H });
        await s.sign({ method: "POST", protocol: "http:", hostname: "127.0.0.1", path: "/", headers: { host: "127.0.0.1" }, body: "Action=GetCallerIdentity&Version=2011-06-15" });`,
    "rolewatch src/aws (own SigV4 + XML), STS + IAM + EC2": `
        const { queryApi } = await import(${JSON.stringify(ours)});
        const { Secret } = await import(${JSON.stringify(ours.replace(/aws\/index\.js$/, "secret.js"))});
        const api = queryApi({ clock: { now: () => Date.now() }, region: "eu-west-1", env: { AWS_ENDPOINT_URL: process.env.PROBE_URL }, timeoutMs: 5000, maxBodyBytes: 65536 });
        const c = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: new Secret("s"), sessionToken: new Secret("t") };
        await api.getCallerIdentity(c); await api.getInstanceProfile("my-profile", c); await api.describeAssociation("i-0123456789abcdef0", c);`,
  };
}

const MEASURE = `
  gc(); await new Promise((r) => setTimeout(r, 50)); gc();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(JSON.stringify({ rss, heapUsed }));`;

function child(code, url) {
  return new Promise((resolveRun, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", "--input-type=module", "-e", `${code}\n${MEASURE}`], {
      cwd: repo, env: { ...process.env, PROBE_URL: url, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (status) => (status === 0 ? resolveRun(JSON.parse(out.trim().split("\n").pop())) : reject(new Error(`exit ${status}: ${err}`))));
  });
}

function compileOurs() {
  const dir = mkdtempSync(join(tmpdir(), "rolewatch-rss-"));
  // src/version.ts reads ../package.json next to the compiled tree.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", version: "probe" }));
  execFileSync(join(repo, "node_modules/.bin/tsc"), [
    "--outDir", join(dir, "dist"), "--rootDir", join(repo, "src"), "--module", "NodeNext", "--moduleResolution", "NodeNext",
    "--target", "ES2023", "--strict", "--exactOptionalPropertyTypes", "--skipLibCheck", "--types", "node", "--verbatimModuleSyntax", join(repo, "src/aws/index.ts"),
  ], { stdio: "inherit" });
  return { dir, entry: join(dir, "dist/aws/index.js") };
}

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    const action = new URLSearchParams(body).get("Action");
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(BODIES[action] ?? "");
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}`;
const ours = compileOurs();
try {
  const table = variants(ours.entry);
  const results = Object.fromEntries(Object.keys(table).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, code] of Object.entries(table)) results[name].push((await child(code, url)).rss / 2 ** 20);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const empty = median(results["empty node"]);
  const base = median(results[BASE]);
  const plus = (x) => `${x >= 0 ? "+" : ""}${x.toFixed(1)}`.padStart(7);
  console.log(`node ${process.version}, ${runs} runs each, RSS after two GCs (MiB); deltas of the medians\n`);
  console.log(`${"variant".padEnd(62)} ${"runs".padEnd(7 * runs)}  median  vs empty  vs base`);
  for (const [name, xs] of Object.entries(results)) {
    const m = median(xs);
    console.log(`${name.padEnd(62)} ${xs.map((x) => x.toFixed(1).padStart(6)).join(" ")}  ${m.toFixed(1).padStart(6)}  ${plus(m - empty)}  ${plus(m - base)}`);
  }
} finally {
  server.close();
  rmSync(ours.dir, { recursive: true, force: true });
}
