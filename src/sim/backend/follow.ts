import { followRole } from "../world/delivery-rules.js";
import type { Instance, Issue, Role } from "../world/model.js";
import type { Session } from "../world/sessions.js";
import type { World } from "../world/world.js";
import type { BackendClients } from "./clients.js";
import { ExternalChain } from "./external-chain.js";
import { readView, type BackendView } from "./read.js";

/**
 * IMDS for one instance, fed by an AWS backend with the simulator's delivery
 * rules (world/delivery-rules.ts): on each refresh it reads the instance's
 * association and its profile's role there, and mints credentials with
 * sts:AssumeRole (RoleSessionName = the instance id, as EC2 names them).
 * A new association delivers at once; a role change is seen at the next
 * refresh and follows S1-S3 from then; rotation follows the schedule.
 */
export class BackendFollower {
  #associationId: string | null = null;
  #swapAt: number | null = null;
  #queue: Promise<void> = Promise.resolve();
  #lastError: string | null = null;

  constructor(
    private readonly clients: BackendClients,
    private readonly world: World,
    private readonly instanceId: string,
  ) {}

  /** Why the last refresh failed (IMDS keeps what it served), or null. */
  get lastError(): string | null {
    return this.#lastError;
  }

  /** One refresh now; refreshes never overlap. */
  refresh(): Promise<void> {
    const run = this.#queue.then(() => this.#tick(this.world.clock.now()));
    this.#queue = run.then(
      () => void (this.#lastError = null),
      (error: unknown) => void (this.#lastError = error instanceof Error ? error.message : String(error)),
    );
    return run;
  }

  /** Refreshes every `pollMs` of the world's clock until `signal` aborts; failures are kept in lastError. */
  async run(pollMs: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      const slept = await this.world.clock.sleep(pollMs, signal).then(() => true, () => false);
      if (!slept) return;
      await this.refresh().catch(() => undefined);
    }
  }

  async #tick(now: number): Promise<void> {
    const view = await readView(this.clients, this.instanceId);
    const instance = this.world.instance(this.instanceId);
    if ((view.association?.associationId ?? null) !== this.#associationId) return this.#associate(instance, view, now);
    const { delivery } = instance;
    this.#swapAt = followRole(delivery, view.role?.roleId ?? null, this.#swapAt, now, this.world.delays.swapMs);
    if (this.#swapAt !== null && now >= this.#swapAt) return this.#deliver(instance, view.role, now);
    const chain = delivery?.chain;
    if (delivery && chain instanceof ExternalChain && now >= chain.nextAt) chain.replace(await this.#assume(delivery.role, now));
  }

  async #associate(instance: Instance, view: BackendView, now: number): Promise<void> {
    const found = view.association;
    this.#associationId = found?.associationId ?? null;
    const association = found && {
      ...found,
      instanceId: this.instanceId,
      profileName: found.profileArn.slice(found.profileArn.lastIndexOf("/") + 1),
      createdAt: found.timestamp,
      associatedAt: now,
      endedAt: null,
    };
    instance.association = instance.attached = association;
    await this.#deliver(instance, view.role, now);
  }

  async #deliver(instance: Instance, role: Role | null, now: number): Promise<void> {
    this.#swapAt = null;
    const issue = role && (await this.#assume(role, now));
    instance.delivery = role && issue && { role, deliveredAt: now, chain: new ExternalChain(this.world.policy, issue) };
  }

  /** As long as the role allows, up to the world's credential lifetime. */
  async #assume(role: Role, now: number): Promise<Issue> {
    const { sts, sdk } = this.clients;
    const duration = Math.min(this.world.policy.lifetimeMs / 1000, role.maxSessionDuration);
    const out = await sts.send(new sdk.sts.AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: this.instanceId, DurationSeconds: duration }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`AssumeRole of ${role.arn} answered without credentials`);
    // Times on the simulator's clock, which a ManualClock or --time-scale sets apart from the backend's.
    const issuedAt = Math.floor(now / 1000) * 1000;
    const session: Session = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      accountId: role.arn.split(":")[4] ?? this.world.accountId,
      roleName: role.name,
      roleId: role.roleId,
      sessionName: this.instanceId,
      roleDelivery: "2.0",
      issuedAt,
      expiresAt: issuedAt + duration * 1000,
    };
    this.world.sessions.register(session);
    // One AssumeRole gives one key pair: IMDSv1 readers get the same one.
    return { issuedAt, expiresAt: session.expiresAt, v2: session, v1: { ...session, roleDelivery: "1.0" } };
  }
}
