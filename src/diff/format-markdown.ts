import { redactKeyLike } from "../diagnostics/redact.js";
import type { Change } from "./compare.js";
import { beforeAfter, orderedChanges, summaryLine } from "./format-text.js";
import type { DiffReport } from "./report.js";

/**
 * Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY` (DESIGN.md "diff"): one summary line,
 * weakening and disruptive changes first in a table, the rest and the object list in `<details>`.
 */
export function formatMarkdown(report: DiffReport): string {
  let out = `**mesh-security diff** \`${code(report.base)}\` → \`${code(report.head)}\`: ${summaryLine(report)}\n`;
  const { alarming, rest } = orderedChanges(report.changes);
  if (alarming.length > 0) out += `\n#### Weakening and disruptive\n\n${changeTable(alarming)}`;
  if (rest.length > 0) out += `\n<details><summary>${rest.length} other change${rest.length === 1 ? "" : "s"} (strengthening, neutral)</summary>\n\n${changeTable(rest)}\n</details>\n`;
  if (report.objects.length > 0) {
    out += `\n<details><summary>${report.objects.length} object${report.objects.length === 1 ? "" : "s"} added, removed or changed</summary>\n\n`;
    out += "| change | object | file | fields |\n| --- | --- | --- | --- |\n";
    for (const o of report.objects) out += `| ${o.change} | ${cell(`${o.kind} ${o.name}`)} | \`${code(o.file)}\` | ${o.fields.length > 0 ? cell(o.fields.join(", ")) : ""} |\n`;
    out += "\n</details>\n";
  }
  return redactKeyLike(out);
}

function changeTable(changes: readonly Change[]): string {
  let out = "| class | where | what | before → after | why |\n| --- | --- | --- | --- | --- |\n";
  for (const c of changes) out += `| **${c.class.join(", ")}** | ${cell(c.path ?? c.subject)} | ${cell(c.property)} | ${cell(beforeAfter(c))} | ${cell(c.why)} |\n`;
  return out;
}

/** A table cell: no pipe, no newline, no HTML a comment would render. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return text.replace(/`/g, "'");
}
