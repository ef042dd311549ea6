import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/build.ts"],
    // A hang guard, not a speed bound: CPU-bound tests (1,000 polls, the demo) take 10-15 s on an idle
    // 2-core machine and more than 20 s beside a busy neighbour. Bounds a test asserts are its own.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests that spawn real peers (aws CLI, promtool, rolewatch itself) share two cores; keep the pool small.
    maxWorkers: 2,
  },
});
