import type { OutputChange } from "./write-dir.js";

const MAX_LINES_PER_FILE = 40;

/** A readable summary of a stale output directory: one line per file, then a short line diff of each. */
export function describeChanges(dir: string, changes: readonly OutputChange[]): string {
  const count = (status: OutputChange["status"]): number => changes.filter((c) => c.status === status).length;
  let out = `${dir} is stale: ${count("added")} to add, ${count("changed")} to change, ${count("removed")} to remove\n`;
  for (const change of changes) out += `  ${{ added: "+", removed: "-", changed: "~" }[change.status]} ${change.path}\n`;
  for (const change of changes.filter((c) => c.status === "changed")) {
    out += `\n--- ${change.path} (on disk)\n+++ ${change.path} (compiled)\n`;
    out += lineDiff(change.before ?? "", change.after ?? "");
  }
  out += "\nrun the same command without --check to update it\n";
  return out;
}

/** A minimal line diff (longest common subsequence), capped so a huge change stays readable. */
export function lineDiff(before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length * b.length > 4_000_000) return "  (files too large to diff here)\n";
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      lines.push(`- ${a[i]}`);
      i++;
    } else {
      lines.push(`+ ${b[j]}`);
      j++;
    }
  }
  const shown = lines.slice(0, MAX_LINES_PER_FILE).map((l) => `  ${l}\n`).join("");
  return lines.length > MAX_LINES_PER_FILE ? `${shown}  ... ${lines.length - MAX_LINES_PER_FILE} more changed line(s)\n` : shown;
}
