import { join } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnostic, say } from "../diagnostics/messages.js";
import type { OutputChange } from "./write-dir.js";

/**
 * A stale output under `--check` as data: one MS4040 error per file to add, change or remove, on the
 * first line that differs, so that CI annotates the stale files themselves (exit 3 stays the signal).
 */
export function staleDiagnostics(dir: string, changes: readonly OutputChange[]): Diagnostic[] {
  return changes.map((change) => {
    const line = change.status === "changed" ? firstDifferentLine(change.before ?? "", change.after ?? "") : 1;
    return diagnostic(say.MS4040({ file: change.path, status: change.status, line, dir }), { file: join(dir, change.path), range: { start: { line, column: 1 }, end: { line, column: 2 } } });
  });
}

function firstDifferentLine(before: string, after: string): number {
  const a = before.split("\n");
  const b = after.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return Math.min(i + 1, Math.max(1, a.length));
}
