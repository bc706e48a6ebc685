import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Test } from "uvu";

/**
 * `../shared` (the upstream CRD schemas and their validator) sits beside a working copy of the team, not
 * in a clone of this repository. Tests that need it are skipped there, and the run says so in one loud
 * line at the end, naming the directory; `.ci/run` refuses to run without it, so CI never skips them.
 */
export function sharedMissing(part: "tools" | "crds"): string | undefined {
  const dir = resolve("..", "shared", part);
  if (!existsSync(dir)) return dir;
  if (part === "tools" && (!existsSync(VALIDATOR) || !existsSync(resolve(dir, "node_modules")))) return `${resolve(dir, "node_modules")} (run npm ci --prefix ${dir})`;
  return undefined;
}

const skipped = new Map<string, number>();

/** `test(name, fn)` when ../shared/<part> is there, else `test.skip` and one line on stderr when the run ends. */
export function testWithShared(suite: Test, part: "tools" | "crds", name: string, fn: () => void | Promise<void>): void {
  const missing = sharedMissing(part);
  if (missing === undefined) {
    suite(name, fn);
    return;
  }
  if (skipped.size === 0) {
    process.on("exit", () => {
      const lines = [...skipped].map(([dir, n]) => `${n} test(s) need ${dir}`);
      process.stderr.write(`\nSKIPPED (not a failure; .ci/run requires these): ${lines.join("; ")} - missing, so manifests were not checked against the upstream API schemas\n`);
    });
  }
  skipped.set(missing, (skipped.get(missing) ?? 0) + 1);
  suite.skip(name, fn);
}

/** The upstream-schema validator beside the project (`npm ci --prefix ../shared/tools` once). */
export const VALIDATOR = resolve("../shared/tools/validate-manifests.mjs");

/** What the validator said about some paths: its exit status, every output line and the summary counts. */
export interface ValidatorReport {
  status: number | null;
  output: string;
  documents: number;
  valid: number;
  invalid: number;
  unknownKind: number;
}

/** Run the validator (strict) on files or directories; throws when it is not installed, so a test never passes vacuously. */
export function validateUpstream(paths: readonly string[]): ValidatorReport {
  if (!existsSync(VALIDATOR) || !existsSync(resolve("../shared/tools/node_modules"))) {
    throw new Error(`${VALIDATOR} or its node_modules is missing: run npm ci --prefix ../shared/tools`);
  }
  const r = spawnSync(process.execPath, [VALIDATOR, ...paths], { encoding: "utf8" });
  const output = `${r.stdout}${r.stderr}`;
  const summary = /(\d+) documents, (\d+) valid, (\d+) invalid, (\d+) unknown-kind/.exec(output);
  if (!summary) throw new Error(`validator printed no summary:\n${output}`);
  const [documents, valid, invalid, unknownKind] = summary.slice(1).map(Number) as [number, number, number, number];
  return { status: r.status, output, documents, valid, invalid, unknownKind };
}
