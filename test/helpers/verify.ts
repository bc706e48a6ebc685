import type { ManifestFile, SourceRole } from "../../src/verify/manifests.js";
import type { VerifyRule } from "../../src/verify/rule.js";
import { verifyFiles } from "../../src/verify/verify.js";
import type { VerifyResult } from "../../src/verify/verify.js";

/** In-memory manifests: file name → YAML; names starting with `patch:` are patches, `with:` application manifests. */
export function manifests(files: Record<string, string>): ManifestFile[] {
  return Object.entries(files).map(([name, text]) => {
    const [prefix, rest] = name.includes(":") ? (name.split(":", 2) as [string, string]) : ["resource", name];
    return { file: rest, text, role: prefix as SourceRole };
  });
}

/** Run verify (all rules, or one) over in-memory manifests. */
export function verifyText(files: Record<string, string>, rules?: readonly VerifyRule[]): VerifyResult {
  return verifyFiles(manifests(files), [], rules);
}

/** One RuleTester-style case: the objects given, and the exact findings (code, file:line) they must produce. */
export interface RuleCase {
  name: string;
  files: Record<string, string>;
  /** Expected diagnostics as [code, "file:line"] (empty for a valid case). */
  want: Array<[string, string]>;
  /** For valid cases: the results the paths must have, in order (guards against "valid because nothing was checked"). */
  results?: string[];
}

/** [code, "file:line"] of every diagnostic. */
export function findingsOf(result: VerifyResult): Array<[string, string]> {
  return result.diagnostics.map((d) => [d.code, `${d.file}:${d.range?.start.line ?? 0}`]);
}
