import { execFileSync } from "node:child_process";

/** Tests that run the `rolewatch` command run what `npm run build` makes: build it first, once. */
export default function setup(): void {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
