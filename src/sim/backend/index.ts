import type { Scenario } from "../scenario/scenario.js";
import type { World } from "../world/world.js";
import { backendClients, type AwsBackendOptions, type BackendClients } from "./clients.js";
import { BackendFollower } from "./follow.js";
import { adoptInstance } from "./read.js";

export type { AwsBackendOptions } from "./clients.js";
export { EXAMPLE_KEYS } from "./clients.js";

const DEFAULT_POLL_SECONDS = 60;

/**
 * A simulator's link to its AWS backend: connect() adopts the backend's
 * account and instance, follow() feeds the world's IMDS from it.
 */
export class AwsBackend {
  readonly #stop = new AbortController();
  #follower: BackendFollower | null = null;

  private constructor(
    private readonly clients: BackendClients,
    private readonly options: AwsBackendOptions,
    /** The world to build: the backend's account, and its instance only. */
    readonly scenario: Scenario,
    readonly instanceId: string,
  ) {}

  /** Adopts the instance named, or the backend's first running one; `base` gives the region and rotation policy. */
  static async connect(options: AwsBackendOptions, base: Scenario, instanceId: string | undefined): Promise<AwsBackend> {
    const clients = await backendClients(options, base.region);
    try {
      const { accountId, instance } = await adoptInstance(clients, instanceId);
      const scenario: Scenario = { ...base, accountId, roles: [], instanceProfiles: [], instances: [instance] };
      return new AwsBackend(clients, options, scenario, instance.instanceId ?? "");
    } catch (error) {
      clients.destroy();
      throw error;
    }
  }

  /** Reads the backend once (IMDS serves from then on), then again every pollSeconds of the world's clock. */
  async follow(world: World): Promise<void> {
    this.#follower = new BackendFollower(this.clients, world, this.instanceId);
    await this.#follower.refresh();
    void this.#follower.run((this.options.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000, this.#stop.signal);
  }

  /** Reads the backend now (tests call it rather than wait for the poll). */
  refresh(): Promise<void> {
    return this.#follower?.refresh() ?? Promise.resolve();
  }

  /** Why the last refresh failed (IMDS keeps what it served), or null. */
  lastError(): string | null {
    return this.#follower?.lastError ?? null;
  }

  close(): void {
    this.#stop.abort(new Error("simulator closed"));
    this.clients.destroy();
  }
}
