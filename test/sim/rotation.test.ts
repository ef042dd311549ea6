import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { CredentialChain, EC2_ROTATION, MIN_ROTATION_HEADROOM_MS } from "../../src/sim/world/delivery.js";
import { defaultScenario, World } from "../../src/sim/index.js";
import { read, SIM_START, startOnManualClock } from "../support/sim-http.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.parse(SIM_START);

function world(): { world: World; clock: ManualClock; id: string } {
  const clock = new ManualClock(START);
  const w = new World(defaultScenario(), { clock });
  return { world: w, clock, id: [...w.instances.keys()][0] ?? "" };
}

describe("credential rotation like EC2's (docs/wire.md, Credential delivery, docs/contract.md, Field report, S7)", () => {
  it("delivers the profile's role at start, valid six hours", () => {
    const { world: w, id } = world();
    const served = w.served(id);
    expect(served?.role.name).toBe("RedRole");
    expect(served?.issue).toMatchObject({ issuedAt: START, expiresAt: START + 6 * HOUR });
  });

  it("serves the same credentials within the hour and new ones after it, issued when the rotation happened", () => {
    const { world: w, clock, id } = world();
    const first = w.served(id)?.issue.v2.accessKeyId;
    clock.advance(59 * MIN);
    expect(w.served(id)?.issue.v2.accessKeyId).toBe(first);
    clock.advance(6 * MIN);
    const next = w.served(id)?.issue;
    expect(next?.v2.accessKeyId).not.toBe(first);
    expect(next?.issuedAt).toBe(START + HOUR);
    expect(next?.expiresAt).toBe(START + 7 * HOUR);
  });

  it("sees the last rotation after the clock jumps three hours, and every still-valid one is known to STS", () => {
    const { world: w, clock, id } = world();
    const before = w.sessions.size;
    clock.advance(3 * HOUR + 10 * MIN);
    expect(w.served(id)?.issue.issuedAt).toBe(START + 3 * HOUR);
    // Three rotations, each minting an IMDSv2 and an IMDSv1 session.
    expect(w.sessions.size - before).toBe(6);
  });

  it("does not mint rotations that expired before anyone could read them after a long jump", () => {
    const { world: w, clock, id } = world();
    clock.advance(1000 * HOUR);
    expect(w.served(id)?.issue.issuedAt).toBe(START + 1000 * HOUR);
    expect(w.sessions.size).toBeLessThan(30);
  });

  it("never serves credentials within five minutes of expiry", () => {
    const { world: w, clock, id } = world();
    for (let t = 0; t < 24 * HOUR; t += 7 * MIN) {
      const issue = w.served(id)?.issue;
      expect(issue && issue.expiresAt - clock.now()).toBeGreaterThan(MIN_ROTATION_HEADROOM_MS);
      clock.advance(7 * MIN);
    }
  });

  it("mints new credentials on rotate(), and rotates next a full interval later", () => {
    const { world: w, clock, id } = world();
    clock.advance(20 * MIN);
    const rotated = w.rotate(id);
    expect(rotated?.issuedAt).toBe(START + 20 * MIN);
    clock.advance(59 * MIN);
    expect(w.served(id)?.issue.v2.accessKeyId).toBe(rotated?.v2.accessKeyId);
    clock.advance(2 * MIN);
    expect(w.served(id)?.issue.issuedAt).toBe(START + 80 * MIN);
  });

  it("delivers another role's new credentials at once, or none", () => {
    const { world: w, clock, id } = world();
    clock.advance(54 * MIN);
    w.deliver(id, "BlueRole");
    const served = w.served(id);
    expect(served?.role).toMatchObject({ name: "BlueRole", roleId: w.roles.get("BlueRole")?.roleId });
    expect(served?.issue.issuedAt).toBe(START + 54 * MIN);
    w.deliver(id, null);
    expect(w.served(id)).toBeNull();
    expect(() => w.deliver(id, "GreenRole")).toThrow(/no role named "GreenRole"/);
  });
});

describe("rotation as clients see it over IMDS", () => {
  it("serves a new AccessKeyId after 65 minutes, with LastUpdated at the rotation and Expiration six hours on", async () => {
    const { sim, clock } = await startOnManualClock();
    try {
      const path = "/latest/meta-data/iam/security-credentials/RedRole";
      const before = JSON.parse((await read(sim, path)).text) as Record<string, string>;
      clock.advance(65 * MIN);
      const after = JSON.parse((await read(sim, path)).text) as Record<string, string>;
      expect(after.AccessKeyId).not.toBe(before.AccessKeyId);
      expect(after).toMatchObject({ LastUpdated: "2026-11-29T09:00:00Z", Expiration: "2026-11-29T15:00:00Z" });
      expect(JSON.parse((await read(sim, "/latest/meta-data/iam/info")).text)).toMatchObject({ LastUpdated: "2026-11-29T09:00:00Z" });
      sim.rotateNow();
      const rotated = JSON.parse((await read(sim, path)).text) as Record<string, string>;
      expect(rotated.AccessKeyId).not.toBe(after.AccessKeyId);
      expect(rotated.LastUpdated).toBe("2026-11-29T09:05:00Z");
    } finally {
      await sim.close();
    }
  });
});

describe("a frozen delivery (docs/contract.md, Field report, S1: role removed, profile still attached)", () => {
  it("serves the last credentials unrotated until they expire, then nothing", () => {
    const { world: w, clock, id } = world();
    clock.advance(30 * MIN);
    w.freeze(id);
    const frozen = w.served(id)?.issue;
    clock.advance(5 * HOUR + 29 * MIN);
    expect(w.served(id)?.issue).toBe(frozen);
    clock.advance(MIN);
    expect(w.served(id)).toBeNull();
  });

  it("takes the rotations due before the freeze first", () => {
    const { world: w, clock, id } = world();
    clock.advance(2 * HOUR + 5 * MIN);
    w.freeze(id);
    expect(w.served(id)?.issue.issuedAt).toBe(START + 2 * HOUR);
  });

  it("shows over IMDS as unchanged credentials, then 404, while iam/info stays", async () => {
    const { sim, clock } = await startOnManualClock();
    try {
      const path = "/latest/meta-data/iam/security-credentials/RedRole";
      const first = JSON.parse((await read(sim, path)).text) as { AccessKeyId: string };
      sim.world.freeze(sim.instanceId);
      clock.advance(3 * HOUR);
      expect((JSON.parse((await read(sim, path)).text) as { AccessKeyId: string }).AccessKeyId).toBe(first.AccessKeyId);
      clock.advance(3 * HOUR);
      expect((await read(sim, path)).status).toBe(404);
      expect((await read(sim, "/latest/meta-data/iam/security-credentials/")).status).toBe(404);
      expect((await read(sim, "/latest/meta-data/iam/info")).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe("the sessions registry (for the STS simulator)", () => {
  it("finds every served session by AccessKeyId, named after the instance", () => {
    const { world: w, id } = world();
    const { v2, v1 } = w.served(id)?.issue ?? {};
    const red = w.roles.get("RedRole");
    expect(w.sessions.get(v2?.accessKeyId ?? "")).toMatchObject({
      roleName: "RedRole",
      roleId: red?.roleId,
      accountId: "111122223333",
      sessionName: id,
      roleDelivery: "2.0",
      issuedAt: START,
      expiresAt: START + 6 * HOUR,
    });
    expect(w.sessions.get(v1?.accessKeyId ?? "")?.roleDelivery).toBe("1.0");
    expect(w.sessions.get("ASIANOSUCHKEY0000000")).toBeUndefined();
  });

  it("keeps delivering the old RoleId after a role is re-created under the same name (docs/contract.md, Field report, S6)", () => {
    const { world: w, id } = world();
    const old = w.roles.get("RedRole")?.roleId;
    const recreated = w.addRole("RedRole");
    expect(recreated.roleId).not.toBe(old);
    expect(w.served(id)?.role.roleId).toBe(old);
    w.rotate(id);
    expect(w.served(id)?.issue.v2.roleId).toBe(old);
  });
});

describe("CredentialChain", () => {
  it("rotates every interval from the first issue", () => {
    let minted = 0;
    const chain = new CredentialChain(EC2_ROTATION, (issuedAt) => ({ issuedAt, expiresAt: issuedAt + EC2_ROTATION.lifetimeMs, n: ++minted }), 0);
    expect(chain.at(HOUR - 1)?.n).toBe(1);
    expect(chain.at(HOUR)?.n).toBe(2);
    expect(chain.at(2 * HOUR + 1)).toMatchObject({ issuedAt: 2 * HOUR, n: 3 });
  });
});
