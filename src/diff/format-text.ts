import { redactKeyLike } from "../diagnostics/redact.js";
import type { Change } from "./compare.js";
import type { DiffReport } from "./report.js";
import { countClasses, isAlarming } from "./report.js";

/** Changes in reading order: weakening and disruptive first, each group in the report's stable order. */
export function orderedChanges(changes: readonly Change[]): { alarming: Change[]; rest: Change[] } {
  return { alarming: changes.filter(isAlarming), rest: changes.filter((c) => !isAlarming(c)) };
}

/** One line that says what the change does: "3 changes: 1 weakening, 1 disruptive, ...; 4 objects (...)". */
export function summaryLine(report: DiffReport): string {
  if (report.changes.length === 0 && report.objects.length === 0) return "no change on the wire, no object changed";
  const counts = countClasses(report.changes);
  const objects = (["added", "removed", "changed"] as const).map((k) => `${report.objects.filter((o) => o.change === k).length} ${k}`).join(", ");
  const changes = report.changes.length === 0 ? "no change on the wire" : `${plural(report.changes.length, "change")} on the wire: ${counts.weakening} weakening, ${counts.disruptive} disruptive, ${counts.strengthening} strengthening, ${counts.neutral} neutral`;
  return `${changes}; ${plural(report.objects.length, "object")} (${objects})`;
}

/** `before → after` of a change, with `—` for a side where it does not exist. */
export function beforeAfter(change: Change): string {
  return `${change.before ?? "—"} → ${change.after ?? "—"}`;
}

/** The text report: summary, changes (alarming first) with their why, then objects. */
export function formatText(report: DiffReport): string {
  let out = `mesh-security diff ${report.base} → ${report.head}\n${summaryLine(report)}\n`;
  const { alarming, rest } = orderedChanges(report.changes);
  for (const [title, list] of [
    ["weakening and disruptive", alarming],
    ["other changes", rest],
  ] as const) {
    if (list.length === 0) continue;
    out += `\n${title}\n`;
    for (const c of list) {
      out += `  ${c.class.join(", ")}: ${c.path ?? c.subject}\n`;
      out += `    ${c.property}: ${beforeAfter(c)}\n    why: ${c.why}\n`;
    }
  }
  if (report.objects.length > 0) {
    out += "\nobjects\n";
    const width = Math.max(...report.objects.map((o) => `${o.kind} ${o.name}`.length));
    for (const o of report.objects) {
      out += `  ${o.change.padEnd(7)}  ${`${o.kind} ${o.name}`.padEnd(width)}  ${o.file}\n`;
      if (o.fields.length > 0) out += `           fields: ${o.fields.join(", ")}\n`;
    }
  }
  return redactKeyLike(out);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
