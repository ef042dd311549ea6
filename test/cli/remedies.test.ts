/**
 * The commands `check` prints are pasted into a shell by the operator. Their
 * ids come from IMDS and AWS: each command is run here by a real shell, with
 * `aws` replaced by a program that prints its arguments, so whatever the ids
 * hold, the shell passes them on as they are and runs nothing else.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, chmodSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckReport } from "../../src/agent/report.js";
import { explain } from "../../src/cli/remedies.js";
import { DRIFT_KINDS } from "../../src/drift/kinds.js";
import { shellQuote } from "../../src/text.js";

const dir = mkdtempSync(join(tmpdir(), "rolewatch-remedies-"));
const planted = join(dir, "planted");
const HOSTILE = [
  `i-0d4c8f2b7a91e3c56; touch ${planted} #`,
  `$(touch ${planted})`,
  `\`touch ${planted}\``,
  `it's | touch ${planted}`,
  `a\nb && touch ${planted}`,
];

function report(id: string): CheckReport {
  return {
    status: "critical",
    observedAt: "2026-11-29T10:12:00Z",
    instance: { id, accountId: "111122223333", region: "us-east-1" },
    imds: { reachable: true, profileArn: `arn:aws:iam::111122223333:instance-profile/${id}`, profileId: "AIPAM7YNPR2KD5QWX8HTC", role: id, accessKeyId: "ASIA49U2KRZJ30BMB1JP", expiration: "2026-11-29T15:40:00Z", lastUpdated: "2026-11-29T09:40:00Z", code: "Success" },
    sts: null,
    profile: null,
    association: { arn: "x", state: "associated", associationId: id },
    drifts: [],
    sources: {},
  };
}

/** `aws` that prints each argument on a line of its own, NUL-separated. */
function fakeAws(): string {
  const bin = join(dir, "bin");
  if (!existsSync(join(bin, "aws"))) {
    execFileSync("mkdir", ["-p", bin]);
    writeFileSync(join(bin, "aws"), "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n");
    chmodSync(join(bin, "aws"), 0o755);
  }
  return bin;
}

describe("the printed remedy commands", () => {
  it.each(HOSTILE)("pass %j to aws as one argument and run nothing else", (id) => {
    const path = `${fakeAws()}:${process.env["PATH"] ?? ""}`;
    for (const kind of DRIFT_KINDS) {
      for (const command of explain(kind, report(id), "2026-11-29T10:12:00Z").commands) {
        if (!command.startsWith("aws ")) continue;
        const args = execFileSync("sh", ["-c", command], { env: { PATH: path } }).toString("utf8").split("\0");
        expect(existsSync(planted), command).toBe(false);
        // Every argument that holds the id holds it whole.
        expect(args.filter((a) => a.includes(id.slice(0, 6))).every((a) => a.includes(id)), command).toBe(true);
      }
    }
  });
});

describe("shellQuote", () => {
  it.each([
    ["RedRole", "RedRole"],
    ["Name=MyInPr", "Name=MyInPr"],
    ["a b", "'a b'"],
    ["it's", `'it'\\''s'`],
    ["", "''"],
  ])("%j is %s", (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});
