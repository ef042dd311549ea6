/**
 * The agent's IMDS client against the simulator: two implementations of the
 * protocol written apart, each checking the other. After every case no socket
 * may be left open, as a daemon polling all day must not leak one per poll.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { ImdsError } from "../../src/errors.js";
import { readIdentity, readImds } from "../../src/imds/read.js";
import { ImdsSession, type ImdsSessionOptions } from "../../src/imds/session.js";
import type { ImdsView } from "../../src/imds/types.js";
import { defaultScenario, startSimulator, type Fault, type Simulator } from "../../src/sim/index.js";
import { caught, expectSocketsBackTo, openSockets, startFakeImds } from "./loopback.js";

const IAM = "/latest/meta-data/iam/";
const ROLE_PATH = "/latest/meta-data/iam/security-credentials/RedRole";

let clock: ManualClock;
let current: Simulator | undefined;
let stop: () => Promise<void>;
let baseline: number;
let tokenFetches: number;
/** Everything the client returned or threw, scanned for secrets at the end of each case. */
let outputs: unknown[];

async function start(options: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  clock = new ManualClock();
  const started = await startSimulator({ clock, seed: "client-against-sim", ...options });
  current = started;
  stop = () => started.close();
  baseline = openSockets();
  return started;
}

// A deadline a loopback answer meets on a loaded machine; the timeout case waits for it, and its fault
// delays the answer far past it.
const TIMEOUT_MS = 2_000;

function client(options: Partial<ImdsSessionOptions> = {}): ImdsSession {
  return new ImdsSession({ endpoint: current?.imdsUrl ?? "", clock, timeoutMs: TIMEOUT_MS, onTokenFetch: () => tokenFetches++, ...options });
}

async function read(imds: ImdsSession): Promise<ImdsView> {
  const view = await readImds(imds);
  outputs.push(view);
  return view;
}

async function failure(imds: ImdsSession): Promise<ImdsError> {
  const err = await caught(readImds(imds));
  expect(err).toBeInstanceOf(ImdsError);
  outputs.push(err);
  return err as ImdsError;
}

function expectNoSecretIn(things: unknown[]): void {
  const served = current?.served();
  const secrets = served ? [served.issue.v2.secretAccessKey, served.issue.v2.sessionToken] : [];
  // The simulator's IMDS tokens: base64url of bytes 01 00 04 00 … (docs/wire.md, IMDSv2 token).
  const imdsToken = /AQAEA[A-Za-z0-9_-]{40,}/;
  for (const thing of things) {
    const text = thing instanceof Error
      ? `${thing.message}\n${thing.stack}\n${JSON.stringify(thing)}\n${String(thing.cause)}`
      : JSON.stringify(thing);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(imdsToken);
  }
}

beforeEach(() => {
  current = undefined;
  tokenFetches = 0;
  outputs = [];
});

afterEach(async () => {
  expectNoSecretIn(outputs);
  await expectSocketsBackTo(baseline);
  await stop();
});

describe("the IMDS client against the simulator", () => {
  it("reads the profile, the role and the credentials IMDS serves", async () => {
    const sim = await start();
    const view = await read(client());
    const served = sim.served();
    expect(view.info?.instanceProfileArn).toMatch(/:instance-profile\/MyInPr$/);
    expect(view.role).toBe("RedRole");
    expect(view.credentials).toMatchObject({ code: "Success", accessKeyId: served?.issue.v2.accessKeyId, expiration: served?.issue.expiresAt });
    const credentials = view.credentials as { secretAccessKey: { reveal(): string } };
    expect(credentials.secretAccessKey.reveal()).toBe(served?.issue.v2.secretAccessKey);
  });

  it("reads the identity document", async () => {
    const sim = await start();
    const doc = await readIdentity(client());
    outputs.push(doc);
    expect(doc).toMatchObject({ accountId: "111122223333", region: "us-east-1", instanceId: sim.instanceId });
  });

  it("reads no profile as nulls (iam/ answers 404)", async () => {
    const scenario = defaultScenario();
    scenario.instances = scenario.instances.map((i) => ({ ...i, instanceProfile: null }));
    await start({ scenario });
    expect(await read(client())).toEqual({ info: null, role: null, credentials: null });
  });

  it("reads a profile whose role IMDS no longer delivers as role null", async () => {
    const sim = await start();
    sim.deliver(null);
    const view = await read(client());
    expect(view.info).not.toBeNull();
    expect(view).toMatchObject({ role: null, credentials: null });
  });

  it.each<[string, Fault, Partial<ImdsError>]>([
    ["malformed JSON", { kind: "malformed", path: ROLE_PATH }, { failure: "bad-response", path: ROLE_PATH }],
    ["a 500", { kind: "status", status: 500, path: IAM }, { failure: "server-error", status: 500 }],
    ["a 502", { kind: "status", status: 502, path: IAM }, { failure: "server-error", status: 502 }],
    ["a 503", { kind: "status", status: 503, path: IAM }, { failure: "server-error", status: 503 }],
    ["a 429", { kind: "status", status: 429, path: IAM }, { failure: "throttled", status: 429 }],
    ["an answer later than the timeout", { kind: "delay", ms: 30 * TIMEOUT_MS, path: IAM }, { failure: "timeout" }],
    ["a body over the cap", { kind: "oversized", bytes: 128 * 1024, path: ROLE_PATH }, { failure: "bad-response", status: 200 }],
    ["a reset connection", { kind: "reset", path: IAM }, { failure: "unreachable" }],
    ["IMDS disabled (403)", { kind: "disabled" }, { failure: "disabled", status: 403, path: "/latest/api/token" }],
  ])("fails with a closed kind on %s, and recovers once it clears", async (_, fault, expected) => {
    const sim = await start();
    const imds = client();
    sim.setFault(fault);
    expect(await failure(imds)).toMatchObject(expected);
    sim.clearFaults();
    expect((await read(imds)).role).toBe("RedRole");
  });

  it("calls IMDS disabled after a token was issued 'disabled' too", async () => {
    const sim = await start();
    const imds = client();
    await read(imds);
    sim.setFault({ kind: "disabled" });
    expect(await failure(imds)).toMatchObject({ failure: "disabled", status: 403, path: "/latest/meta-data/iam/info" });
  });

  it("fetches one new token, and only one, when IMDS forgets the old one", async () => {
    const sim = await start();
    const imds = client();
    await read(imds);
    sim.revokeTokens();
    expect((await read(imds)).role).toBe("RedRole");
    expect(tokenFetches).toBe(2);
    expect(sim.stats()).toMatchObject({ tokenPuts: 2, rejected: 1 });
  });

  it("uses one token for 1,000 polls 15 s apart with the default TTL", async () => {
    const sim = await start();
    const imds = client();
    for (let poll = 0; poll < 1000; poll++) {
      await readImds(imds);
      clock.advance(15_000);
    }
    expect(tokenFetches).toBe(1);
    expect(sim.stats()).toMatchObject({ tokenPuts: 1, tokensIssued: 1, rejected: 0 });
  });
});

describe("the IMDS client against an IMDSv1-only server", () => {
  it.each([404, 405])("fails on a token PUT answered %i and never reads without a token", async (status) => {
    clock = new ManualClock();
    const v1Only = await startFakeImds({
      override: (req, res) => !!(req.method === "PUT" ? res.writeHead(status).end() : res.end("RedRole")),
    });
    stop = () => v1Only.close();
    baseline = openSockets();
    const imds = new ImdsSession({ endpoint: v1Only.url, clock });
    expect(await failure(imds)).toMatchObject({ failure: "token-refused", status });
    expect(v1Only.seen.filter((s) => s.method !== "PUT")).toEqual([]);
  });
});
