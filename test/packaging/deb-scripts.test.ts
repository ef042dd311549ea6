import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./packages.js";
import { runScript, type Machine } from "./scriptlets.js";

const script = (name: string) => readFileSync(join(REPO, "packaging/deb", name), "utf8");

const MACHINES: Record<string, Machine> = {
  // A booted host: systemd runs, init-system-helpers is installed.
  booted: { systemd: true, commands: { systemctl: 0, "deb-systemd-helper": 0, "deb-systemd-invoke": 0 } },
  // A container or an image build: the commands are there, systemd does not run.
  container: { systemd: false, commands: { systemctl: 1, "deb-systemd-helper": 0, "deb-systemd-invoke": 0 } },
  // A minimal container: no service manager at all.
  bare: { systemd: false, commands: {} },
};

const enable = [
  "deb-systemd-helper unmask rolewatch.service",
  "deb-systemd-helper --quiet was-enabled rolewatch.service",
  "deb-systemd-helper enable rolewatch.service",
];

describe("the .deb's maintainer scripts", () => {
  it.each([
    { script: "postinst", args: ["configure", ""], on: "booted", calls: [...enable, "systemctl --system daemon-reload", "deb-systemd-invoke start rolewatch.service"] },
    { script: "postinst", args: ["configure", "0.0.1"], on: "booted", calls: [...enable, "systemctl --system daemon-reload", "deb-systemd-invoke restart rolewatch.service", "deb-systemd-invoke try-restart rolewatch-account.service"] },
    { script: "postinst", args: ["configure", ""], on: "container", calls: enable },
    { script: "postinst", args: ["configure", ""], on: "bare", calls: [] },
    { script: "prerm", args: ["remove"], on: "booted", calls: ["deb-systemd-invoke stop rolewatch.service", "deb-systemd-invoke stop rolewatch-account.service"] },
    { script: "prerm", args: ["upgrade", "0.0.2"], on: "booted", calls: [] },
    { script: "prerm", args: ["remove"], on: "container", calls: [] },
    { script: "prerm", args: ["remove"], on: "bare", calls: [] },
    { script: "postrm", args: ["remove"], on: "booted", calls: ["deb-systemd-helper mask rolewatch.service", "systemctl --system daemon-reload"] },
    { script: "postrm", args: ["remove"], on: "container", calls: ["deb-systemd-helper mask rolewatch.service"] },
    { script: "postrm", args: ["purge"], on: "container", calls: ["deb-systemd-helper purge rolewatch.service", "deb-systemd-helper unmask rolewatch.service"] },
    { script: "postrm", args: ["purge"], on: "bare", calls: [] },
    { script: "postrm", args: ["upgrade", "0.0.2"], on: "booted", calls: ["systemctl --system daemon-reload"] },
  ])("$script $args on a $on machine", ({ script: name, args, on, calls }) => {
    const outcome = runScript(script(name), args, MACHINES[on]!);
    expect(outcome.stderr).toBe("");
    expect(outcome.status).toBe(0);
    expect(outcome.calls).toEqual(calls);
  });

  it("purge deletes the state rolewatch kept; remove and upgrade keep it", () => {
    expect(runScript(script("postrm"), ["purge"], MACHINES.container!).stateKept).toBe(false);
    expect(runScript(script("postrm"), ["remove"], MACHINES.container!).stateKept).toBe(true);
    expect(runScript(script("postrm"), ["upgrade", "0.0.2"], MACHINES.container!).stateKept).toBe(true);
  });
});
