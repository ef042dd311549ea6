import { spawnSync } from "node:child_process";
import type { TestContext } from "vitest";

/** A command-line tool some tests run, and what to install when it is missing. */
export interface Tool {
  name: string;
  install: string;
  available: boolean;
}

export function findTool(name: string, install: string): Tool {
  const probe = spawnSync(name, ["--version"], { stdio: "ignore" });
  return { name, install, available: probe.error === undefined };
}

/**
 * Call first in a test that needs `tool`. Missing on a developer's machine,
 * the test is skipped with what to install; under CI=true it fails instead
 * (docs/contract.md, Quality bars), so that CI cannot go green by skipping.
 */
export function requireTool(ctx: TestContext, tool: Tool): void {
  if (tool.available) return;
  const why = `${tool.name} not found; install it with: ${tool.install}`;
  if (process.env.CI === "true") throw new Error(`${why} (required under CI=true)`);
  ctx.skip(why);
}
