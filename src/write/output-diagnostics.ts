import { join } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { OutputChange } from "./write-dir.js";

/** A diagnostic about the file system (output directory), which has no position in the policy. */
export function outputDiagnostic(code: Diagnostic["code"], message: string, file: string, hint?: string): Diagnostic {
  return { code, severity: "error", message, file, path: [], ...(hint ? { hint } : {}) };
}

/**
 * A stale output under `--check` as data: one MS4040 error per file to add, change or remove, on the
 * first line that differs, so that CI annotates the stale files themselves (exit 3 stays the signal).
 */
export function staleDiagnostics(dir: string, changes: readonly OutputChange[]): Diagnostic[] {
  return changes.map((change) => {
    const line = change.status === "changed" ? firstDifferentLine(change.before ?? "", change.after ?? "") : 1;
    const verb = { added: "is missing (compile would add it)", changed: `differs from what the policy compiles to, from line ${line}`, removed: "is no longer generated (compile would remove it)" }[change.status];
    return {
      code: "MS4040",
      severity: "error",
      message: `${change.path} ${verb}`,
      file: join(dir, change.path),
      path: [],
      range: { start: { line, column: 1 }, end: { line, column: 2 } },
      hint: `run the same compile without --check and commit ${dir}`,
    };
  });
}

function firstDifferentLine(before: string, after: string): number {
  const a = before.split("\n");
  const b = after.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return Math.min(i + 1, Math.max(1, a.length));
}
