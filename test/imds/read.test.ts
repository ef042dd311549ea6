import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { readIdentity, readImds } from "../../src/imds/read.js";
import { ImdsSession } from "../../src/imds/session.js";
import { caught, expectSocketsBackTo, openSockets, startFakeImds, type FakeImds, type FakeImdsOptions } from "./loopback.js";

const INFO_PATH = "/latest/meta-data/iam/info";
const LIST_PATH = "/latest/meta-data/iam/security-credentials/";
const ROLE_PATH = `${LIST_PATH}RedRole`;
const IDENTITY_PATH = "/latest/dynamic/instance-identity/document";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";

const INFO = JSON.stringify({
  Code: "Success",
  LastUpdated: "2026-11-29T07:00:00Z",
  InstanceProfileArn: "arn:aws:iam::123456789012:instance-profile/MyInPr",
  InstanceProfileId: "AIPAZVTINAMEXAMPLE",
});
const CREDENTIALS = JSON.stringify({
  Code: "Success",
  LastUpdated: "2026-11-29T07:00:00Z",
  Type: "AWS-HMAC",
  AccessKeyId: "ASIAIOSFODNN7EXAMPLE",
  SecretAccessKey: SECRET,
  Token: SESSION_TOKEN,
  Expiration: "2026-11-29T13:00:00Z",
});

let fake: FakeImds;
afterEach(async () => {
  await fake.close();
});

async function session(routes: Record<string, string>, options: FakeImdsOptions = {}): Promise<ImdsSession> {
  fake = await startFakeImds({ routes, ...options });
  return new ImdsSession({ endpoint: fake.url, clock: new ManualClock() });
}

const ROUTES = { [INFO_PATH]: INFO, [LIST_PATH]: "RedRole", [ROLE_PATH]: CREDENTIALS };

describe("readImds connections", () => {
  it("makes the token PUT and the three reads of a poll on one connection where the server keeps it, closed when the read returns", async () => {
    const imds = await session(ROUTES);
    const baseline = openSockets();
    await readImds(imds);
    expect(fake.seen.map((s) => `${s.method} ${s.path}`)).toEqual(["PUT /latest/api/token", `GET ${INFO_PATH}`, `GET ${LIST_PATH}`, `GET ${ROLE_PATH}`]);
    expect(new Set(fake.seen.map((s) => s.port)).size).toBe(1);
    expect(fake.seen.every((s) => s.headers.connection === "keep-alive")).toBe(true);
    // The client's end is closed before readImds resolves; the server's end follows it.
    expect(openSockets()).toBeLessThanOrEqual(baseline + 1);
    await expectSocketsBackTo(baseline);
  });

  it("opens a new connection for each poll: none is kept between polls", async () => {
    const imds = await session(ROUTES);
    const baseline = openSockets();
    for (let poll = 0; poll < 3; poll++) {
      await readImds(imds);
      await expectSocketsBackTo(baseline);
    }
    const ports = fake.seen.filter((s) => s.method === "GET").map((s) => s.port);
    expect(ports).toHaveLength(9);
    expect(new Set(ports).size).toBe(3);
    expect(new Set(ports.slice(0, 3)).size).toBe(1);
  });

  it("opens a new connection for the next read when the server closes each one (Connection: close), as IMDS does", async () => {
    const imds = await session(ROUTES, { override: (_req, res) => { res.setHeader("connection", "close"); return false; } });
    const baseline = openSockets();
    expect(await readImds(imds)).toMatchObject({ role: "RedRole" });
    expect(new Set(fake.seen.map((s) => s.port)).size).toBe(4);
    await expectSocketsBackTo(baseline);
  });

  it("sends a read again on a new connection when the server closed the kept one before answering it", async () => {
    const answered = new Map<number | undefined, number>();
    const imds = await session(ROUTES, {
      override: (req, _res, seen) => {
        const n = (answered.get(seen.port) ?? 0) + 1;
        answered.set(seen.port, n);
        // The second request on the first connection: the server has just given up on it.
        if (answered.size === 1 && n === 2) return !!req.socket.destroy();
        return false;
      },
    });
    const baseline = openSockets();
    expect(await readImds(imds)).toMatchObject({ role: "RedRole", info: { instanceProfileArn: expect.stringContaining("MyInPr") } });
    expect(new Set(fake.seen.map((s) => s.port)).size).toBe(2);
    await expectSocketsBackTo(baseline);
  });
});

describe("readImds", () => {
  it("reads the profile, the role and its credentials, in that order", async () => {
    const imds = await session({ [INFO_PATH]: INFO, [LIST_PATH]: "RedRole", [ROLE_PATH]: CREDENTIALS });
    const view = await readImds(imds);
    expect(view.info?.instanceProfileArn).toBe("arn:aws:iam::123456789012:instance-profile/MyInPr");
    expect(view.role).toBe("RedRole");
    expect(view.credentials).toMatchObject({ code: "Success", accessKeyId: "ASIAIOSFODNN7EXAMPLE" });
    expect(fake.seen.map((s) => s.path)).toEqual(["/latest/api/token", INFO_PATH, LIST_PATH, ROLE_PATH]);
  });

  it("keeps the secrets out of the view's JSON", async () => {
    const imds = await session({ [INFO_PATH]: INFO, [LIST_PATH]: "RedRole", [ROLE_PATH]: CREDENTIALS });
    const json = JSON.stringify(await readImds(imds));
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(SESSION_TOKEN);
    expect(json).not.toContain(fake.tokens[0]);
  });

  it.each([
    ["no profile", {}, { info: null, role: null, credentials: null }],
    ["a profile with no role", { [INFO_PATH]: INFO }, { role: null, credentials: null }],
    ["a role listed without credentials", { [INFO_PATH]: INFO, [LIST_PATH]: "RedRole" }, { role: "RedRole", credentials: null }],
    ["an empty role list", { [INFO_PATH]: INFO, [LIST_PATH]: "" }, { role: null, credentials: null }],
  ])("reads %s as values, not errors", async (_, routes, expected) => {
    expect(await readImds(await session(routes))).toMatchObject(expected);
  });

  it("names the role's path, never the body, when the credentials are malformed", async () => {
    const imds = await session({ [INFO_PATH]: INFO, [LIST_PATH]: "RedRole", [ROLE_PATH]: CREDENTIALS.slice(0, -30) });
    const err = await caught(readImds(imds));
    expect(err).toMatchObject({ failure: "bad-response", path: ROLE_PATH });
    expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain(SECRET);
  });
});

describe("readIdentity", () => {
  it("reads the identity document", async () => {
    const body = JSON.stringify({ accountId: "123456789012", region: "eu-west-1", instanceId: "i-0123456789abcdef0" });
    expect(await readIdentity(await session({ [IDENTITY_PATH]: body }))).toEqual({
      accountId: "123456789012",
      region: "eu-west-1",
      instanceId: "i-0123456789abcdef0",
    });
  });

  it("fails when there is no identity document: that is not an IMDS", async () => {
    expect(await caught(readIdentity(await session({})))).toMatchObject({
      failure: "unexpected-status",
      path: IDENTITY_PATH,
      status: 404,
    });
  });
});
