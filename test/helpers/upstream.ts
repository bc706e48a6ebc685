import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

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
