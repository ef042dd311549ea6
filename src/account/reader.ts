/**
 * One cycle of `rolewatch account`: for each account, every page of IAM ListInstanceProfiles and
 * of each region's EC2 DescribeIamInstanceProfileAssociations that is due, each API on its own
 * schedule and backoff (src/aws/schedule.ts) with the agent's error classification
 * (src/aws/classify.ts). A failing API keeps its last good listing and is marked down.
 */
import { BACKOFF_BASE_MS, classify, controlPlaneOutcome, type Classified, type SigningCredentials } from "../aws/index.js";
import type { ListedAssociation, ListedProfile } from "../aws/list-parse.js";
import { scrub } from "../aws/redact.js";
import { afterCall, dueAt, isDue, neverCalled, type Cadence, type Track } from "../aws/schedule.js";
import type { Clock } from "../clock.js";
import type { AccountApi } from "./api.js";
import { afterAttempt, initialHealth } from "./health.js";
import type { Principal } from "./principals.js";
import type { AccountCall, AccountView, ApiHealth, HealthChange } from "./views.js";

export interface ReaderOptions {
  clock: Clock;
  /** Uniform in [0, 1): the backoff's jitter. */
  random: () => number;
  api: AccountApi;
  principals: readonly Principal[];
  regions: readonly string[];
  intervalMs: number;
}

export interface CycleResult {
  calls: AccountCall[];
  changes: HealthChange[];
}

/** An API listing's answer: what the view keeps of it. */
type Listing = { api: "iam"; value: readonly ListedProfile[] } | { api: "ec2"; region: string; value: readonly ListedAssociation[] };

export class AccountReader {
  #views: readonly AccountView[];
  /** Per account, per listing ("iam", "ec2/eu-west-1"): when it is due. */
  readonly #tracks: Map<string, Track>[];
  readonly #cadence: Cadence;

  constructor(private readonly opts: ReaderOptions) {
    const { intervalMs } = opts;
    // As the agent's control plane: a failing API waits at least a minute (or an interval, when shorter), at most three intervals.
    this.#cadence = { intervalMs, phaseMs: null, backoff: { baseMs: Math.min(BACKOFF_BASE_MS, intervalMs), capMs: 3 * intervalMs } };
    this.#views = opts.principals.map((p) => ({
      account: p.account,
      principal: p.name,
      health: [initialHealth("sts"), initialHealth("iam"), ...opts.regions.map((r) => initialHealth("ec2", r))],
      profiles: null,
      associations: new Map(),
    }));
    this.#tracks = opts.principals.map(() => new Map(this.#listings().map((key) => [key, neverCalled])));
  }

  /** The views of the last complete cycle: a new array after each, never one being filled. */
  get views(): readonly AccountView[] {
    return this.#views;
  }

  /** When the next listing is due: the loop sleeps until then. */
  nextDue(): number {
    return Math.min(...this.#tracks.flatMap((tracks) => [...tracks.values()].map((t) => dueAt(t, this.#cadence, false))));
  }

  async cycle(): Promise<CycleResult> {
    const out: CycleResult = { calls: [], changes: [] };
    const next: AccountView[] = [];
    // One account after another: with many accounts, a few connections at a time, not hundreds.
    for (const [i, principal] of this.opts.principals.entries()) {
      const view = this.#views[i];
      const tracks = this.#tracks[i];
      if (view && tracks) next.push(await this.#readAccount(principal, view, tracks, out));
    }
    this.#views = next;
    return out;
  }

  #listings(): string[] {
    return ["iam", ...this.opts.regions.map((r) => `ec2/${r}`)];
  }

  async #readAccount(principal: Principal, view: AccountView, tracks: Map<string, Track>, out: CycleResult): Promise<AccountView> {
    const now = this.opts.clock.now();
    const due = this.#listings().filter((key) => isDue(tracks.get(key) ?? neverCalled, this.#cadence, now, false));
    if (due.length === 0) return view;
    let health = [...view.health];
    const attempt = (api: ApiHealth["api"], region: string, failure: Classified | null) => {
      const at = health.findIndex((h) => h.api === api && h.region === region);
      const moved = afterAttempt(health[at] ?? initialHealth(api, region), principal.account, failure, now);
      health = health.map((h, j) => (j === at ? moved.health : h));
      if (moved.change) out.changes.push(moved.change);
    };
    const sts = { answered: 0, failed: false };
    let credentials: SigningCredentials;
    try {
      credentials = await principal.credentials(now, (answered) => (answered ? sts.answered++ : (sts.failed = true)));
    } catch (error) {
      const failure = classify(error);
      this.#countSts(principal, sts, failure, out);
      attempt("sts", "", failure);
      for (const key of due) {
        attempt(key === "iam" ? "iam" : "ec2", key === "iam" ? "" : key.slice(4), failure);
        tracks.set(key, afterCall(tracks.get(key) ?? neverCalled, true, now, this.#cadence, this.opts.random));
      }
      return { ...view, account: principal.account, health };
    }
    this.#countSts(principal, sts, null, out);
    if (sts.answered > 0) attempt("sts", "", null);
    const listings = await Promise.all(due.map((key) => this.#list(principal, key, credentials, out)));
    let { profiles } = view;
    const associations = new Map(view.associations);
    for (const [j, key] of due.entries()) {
      const result = listings[j];
      if (!result) continue;
      const region = key === "iam" ? "" : key.slice(4);
      attempt(key === "iam" ? "iam" : "ec2", region, result.ok ? null : result.failure);
      tracks.set(key, afterCall(tracks.get(key) ?? neverCalled, !result.ok, now, this.#cadence, this.opts.random));
      if (!result.ok) continue;
      if (result.listing.api === "iam") profiles = result.listing.value;
      else associations.set(result.listing.region, result.listing.value);
    }
    return { account: principal.account, principal: principal.name, health, profiles, associations };
  }

  async #list(principal: Principal, key: string, credentials: SigningCredentials, out: CycleResult): Promise<{ ok: true; listing: Listing } | { ok: false; failure: Classified }> {
    const { api } = this.opts;
    const region = key === "iam" ? "" : key.slice(4);
    let pages = 0;
    const onPage = () => void pages++;
    try {
      const listing: Listing = key === "iam"
        ? { api: "iam", value: await api.listInstanceProfiles(credentials, onPage) }
        : { api: "ec2", region, value: await api.describeAssociations(region, credentials, onPage) };
      out.calls.push({ account: principal.account, api: listing.api, region, answered: pages, failed: null });
      return { ok: true, listing };
    } catch (error) {
      const c = classify(error);
      const failure = { ...c, message: scrub(c.message, credentials) };
      out.calls.push({ account: principal.account, api: key === "iam" ? "iam" : "ec2", region, answered: pages, failed: controlPlaneOutcome(failure.kind) });
      return { ok: false, failure };
    }
  }

  #countSts(principal: Principal, sts: { answered: number; failed: boolean }, failure: Classified | null, out: CycleResult): void {
    if (sts.answered === 0 && !sts.failed) return;
    const failed = sts.failed && failure ? controlPlaneOutcome(failure.kind) : null;
    out.calls.push({ account: principal.account, api: "sts", region: "", answered: sts.answered, failed });
  }
}
