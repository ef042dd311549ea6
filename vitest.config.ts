import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/build.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests that spawn real peers (aws CLI, promtool, rolewatch itself) share two cores; keep the pool small.
    maxWorkers: 2,
  },
});
