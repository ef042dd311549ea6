import type { AccountView } from "./views.js";

/** What /status of `rolewatch account` serves (docs/contract.md, Account exporter): each account's APIs and what they listed. */
export function statusOf(views: readonly AccountView[]): object {
  const accounts = views.map((v) => ({
    account: v.account,
    principal: v.principal,
    apis: v.health.map((h) => ({
      api: h.api,
      ...(h.region ? { region: h.region } : {}),
      up: h.up,
      lastSuccess: h.lastSuccess === null ? null : new Date(h.lastSuccess).toISOString(),
      ...(h.failure ? { error: `${h.failure.code}${h.failure.message ? `: ${h.failure.message}` : ""}` } : {}),
    })),
    profiles: v.profiles?.length ?? null,
    associations: Object.fromEntries([...v.associations].map(([region, list]) => [region, list.length])),
  }));
  const up = views.every((v) => v.health.every((h) => h.up));
  return { status: up ? "ok" : "degraded", accounts };
}
