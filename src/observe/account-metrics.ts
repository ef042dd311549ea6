/**
 * The metrics of `rolewatch account` (docs/contract.md, Account exporter metrics). The info series
 * and the health gauges are drawn, at each scrape, from the views of the last complete cycle
 * (src/account/views.ts): a cycle swaps in a whole new set of views, so a scrape sees one cycle's
 * series or the next one's, never a set half filled, and a profile or association gone from
 * AWS is gone from the next scrape.
 */
import { Counter, Gauge, Registry } from "prom-client";
import { CONTROL_PLANE_OUTCOMES } from "../aws/labels.js";
import type { AccountCall, AccountView } from "../account/views.js";
import { registerDefaultMetrics } from "./default-metrics.js";

export interface AccountMetrics {
  readonly registry: Registry;
  /** The views the next scrapes read. */
  show(views: readonly AccountView[]): void;
  counted(call: AccountCall): void;
  text(): Promise<string>;
}

type Views = () => readonly AccountView[];

const label = (account: string | null) => account ?? "";

/**
 * A gauge filled from the views as it is collected. prom-client calls every collect of a scrape
 * before it awaits anything, and collect is synchronous: every gauge of one scrape reads the same views.
 */
function drawn(registry: Registry, name: string, help: string, labelNames: readonly string[], fill: (g: Gauge<string>) => void): void {
  const gauge: Gauge<string> = new Gauge({ name, help, labelNames, registers: [registry], collect: () => (gauge.reset(), fill(gauge)) });
}

function infoGauges(registry: Registry, views: Views): void {
  drawn(registry, "rolewatch_account_profile_info", "Each instance profile IAM lists, one series per role it holds (role=\"\" role_id=\"\" for none).",
    ["account", "profile_arn", "profile_id", "profile", "role", "role_id"], (g) => {
      for (const v of views()) {
        for (const p of v.profiles ?? []) {
          const base = { account: label(v.account), profile_arn: p.arn, profile_id: p.id, profile: p.name };
          if (p.roles.length === 0) g.set({ ...base, role: "", role_id: "" }, 1);
          for (const r of p.roles) g.set({ ...base, role: r.name, role_id: r.id }, 1);
        }
      }
    });
  drawn(registry, "rolewatch_account_association_info", "Each instance profile association EC2 lists in a region, with its state.",
    ["account", "region", "instance_id", "association_id", "profile_arn", "profile_id", "state"], (g) => {
      for (const v of views()) {
        for (const [region, list] of v.associations) {
          for (const a of list) {
            g.set({ account: label(v.account), region, instance_id: a.instanceId, association_id: a.associationId, profile_arn: a.arn, profile_id: a.id, state: a.state }, 1);
          }
        }
      }
    });
}

function healthGauges(registry: Registry, views: Views): void {
  drawn(registry, "rolewatch_account_up", "1 if the API's last attempt answered, else 0 (0 before the first); its info series stay as last read.",
    ["account", "api", "region"], (g) => {
      for (const v of views()) for (const h of v.health) g.set({ account: label(v.account), api: h.api, region: h.region }, h.up ? 1 : 0);
    });
  drawn(registry, "rolewatch_account_last_success_timestamp_seconds", "When the API last answered, as a Unix timestamp; absent until it has.",
    ["account", "api", "region"], (g) => {
      for (const v of views()) {
        for (const h of v.health) if (h.lastSuccess !== null) g.set({ account: label(v.account), api: h.api, region: h.region }, h.lastSuccess / 1000);
      }
    });
}

/** The request and page counters; each account's exist at zero from the first time it is shown, so that rate() works from the start. */
function counters(registry: Registry): Pick<AccountMetrics, "counted"> & { zero(views: readonly AccountView[]): void } {
  const registers = [registry];
  const requests = new Counter({
    name: "rolewatch_account_requests_total", help: "Requests of the account exporter, by account, API, region and outcome.",
    labelNames: ["account", "api", "region", "outcome"] as const, registers,
  });
  const pages = new Counter({
    name: "rolewatch_account_pages_total", help: "Pages of IAM ListInstanceProfiles and EC2 DescribeIamInstanceProfileAssociations read.",
    labelNames: ["account", "api", "region"] as const, registers,
  });
  const zeroed = new Set<string>();
  return {
    zero(views) {
      for (const { account, health } of views) {
        for (const { api, region } of account === null ? [] : health) {
          const key = `${account}/${api}/${region}`;
          if (account === null || zeroed.has(key)) continue;
          zeroed.add(key);
          for (const outcome of CONTROL_PLANE_OUTCOMES) requests.inc({ account, api, region, outcome }, 0);
          if (api !== "sts") pages.inc({ account, api, region }, 0);
        }
      }
    },
    counted({ account, api, region, answered, failed }) {
      const labels = { account: label(account), api, region };
      if (answered > 0) requests.inc({ ...labels, outcome: "ok" }, answered);
      if (failed !== null) requests.inc({ ...labels, outcome: failed });
      if (api !== "sts" && answered > 0) pages.inc(labels, answered);
    },
  };
}

export function createAccountMetrics(opts: { version: string }): AccountMetrics {
  const registry = new Registry();
  registerDefaultMetrics(registry);
  let views: readonly AccountView[] = [];
  infoGauges(registry, () => views);
  healthGauges(registry, () => views);
  const { zero, counted } = counters(registry);
  new Gauge({ name: "rolewatch_build_info", help: "Always 1; the version label says which build runs.", labelNames: ["version"] as const, registers: [registry] })
    .set({ version: opts.version }, 1);
  return {
    registry,
    show(next) {
      views = next;
      zero(next);
    },
    counted,
    text: () => registry.metrics(),
  };
}
