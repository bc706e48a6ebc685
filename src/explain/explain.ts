import { relative, sep } from "node:path";
import type { CompileResult } from "../compile.js";
import { buildWireModel, describeEntity } from "../diff/facts.js";
import type { OverlayChange } from "../load/merge.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { classifyFiles } from "../verify/manifests.js";
import { formatPaths, wrap } from "../verify/path-table.js";
import type { VerifyPath } from "../verify/rule.js";
import { verifyTree } from "../verify/verify.js";

/** One object of the output, by the subject (service, authority, mesh ...) whose decision made it. */
export interface ExplainedObject {
  subject: string;
  kind: string;
  name: string;
  namespace: string | null;
  file: string | null;
  role: string;
  wave: number;
  reason: string;
}

/** What each file of the `extends` chain changed, by the path diagnostics use. */
export interface OverlayRow {
  value: string;
  action: OverlayChange["action"];
  file: string;
  line: number;
  column: number;
}

/** `explain`'s report (its json document, diagnostics aside): per subject the notes and objects, then the paths. */
export interface Explanation {
  subjects: Array<{ subject: string; notes: string[]; objects: ExplainedObject[] }>;
  /** The paths `verify` models on this output, and its findings (they name manifest files, not the policy). */
  paths: VerifyPath[];
  pathDiagnostics: Diagnostic[];
  /** The paths the policy declares, described as `diff` describes them. */
  wire: Array<{ path: string; facts: string[] }>;
  overlays?: OverlayRow[];
}

/** Per subject, what a compile generated and why, with the paths verify and diff model on it. */
export function explainCompiled(result: CompileResult & { tree: NonNullable<CompileResult["tree"]> }): Explanation {
  const tree = result.tree;
  const objects = (result.rendered ?? []).map((r) => ({
    subject: subjectOf(r.planned.source, result.model?.services ?? []),
    kind: r.planned.kind,
    name: r.planned.name,
    namespace: r.planned.namespace ?? null,
    file: tree.paths.get(r) ?? null,
    role: r.planned.role,
    wave: r.planned.wave,
    reason: r.planned.reason,
  }));
  // The same model `verify` runs on a directory, over the compiled objects in memory.
  const verified = verifyTree(tree.files, classifyFiles(tree.secretFiles, "secrets"));
  // The paths the policy declares, described as `diff` describes them (one function: describePath).
  const wire = result.model ? [...buildWireModel(result.model).entities.values()].filter((e) => e.path).map(describeEntity) : [];
  const subjects = [...new Set([...objects.map((o) => o.subject), ...result.notes.map((n) => n.subject)])].sort();
  const report = subjects.map((subject) => ({
    subject,
    notes: result.notes.filter((n) => n.subject === subject).map((n) => n.text),
    objects: objects.filter((o) => o.subject === subject),
  }));
  return { subjects: report, paths: verified.paths, pathDiagnostics: verified.diagnostics, wire, ...(result.changes ? { overlays: overlayRows(result.changes) } : {}) };
}

/**
 * The text report: what the overlays of an `extends` chain changed, then per subject the decisions as
 * notes and a table of objects (file, wave) with the reason under each, then the paths. With `columns`
 * (a terminal, or $COLUMNS) the notes, reasons and path table wrap to that width.
 */
export function formatExplanation(explanation: Explanation, columns: number | undefined): string {
  let out = "";
  if (explanation.overlays) {
    const rows = explanation.overlays;
    out += "values an overlay set (file:line, relative to the working directory)\n";
    if (rows.length === 0) out += "  (none: the policy only names its base)\n";
    const width = Math.max(5, ...rows.map((r) => r.value.length));
    for (const r of rows) out += `  ${r.value.padEnd(width)}  ${r.action === "removed" ? "removed at " : ""}${r.file}:${r.line}\n`;
    out += "\n";
  }
  for (const { subject, notes, objects } of explanation.subjects) {
    out += `${subject}\n`;
    for (const note of notes) out += columns ? wrap(`- ${note}`, columns, "  ", "    ") : `  - ${note}\n`;
    const rows = objects.map((o) => ({ object: `${o.role === "patch" ? "patch " : ""}${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`, file: o.file ?? "(not written)", wave: o.role === "patch" ? "-" : String(o.wave), reason: o.reason }));
    if (rows.length === 0) continue;
    const width = { object: Math.max(6, ...rows.map((r) => r.object.length)), file: Math.max(4, ...rows.map((r) => r.file.length)) };
    out += `  ${"object".padEnd(width.object)}  ${"file".padEnd(width.file)}  wave\n`;
    for (const r of rows) out += `  ${r.object.padEnd(width.object)}  ${r.file.padEnd(width.file)}  ${r.wave}\n${columns ? wrap(r.reason, columns, "      ", "      ") : `      ${r.reason}\n`}`;
  }
  if (explanation.wire.length > 0) out += "\nwire paths (as `mesh-security diff` compares them)\n";
  for (const w of explanation.wire) out += `  ${w.path}\n      ${w.facts.join("; ")}\n`;
  out += "\npaths (as `mesh-security verify` models them on this output)\n";
  out += formatPaths(explanation.paths, columns, "  ");
  for (const d of explanation.pathDiagnostics) out += `  ${d.severity} ${d.code} ${d.file}: ${d.message}\n`;
  return out;
}

/** What each file of the `extends` chain changed, by the path diagnostics use (relative to the working directory). */
function overlayRows(changes: readonly OverlayChange[]): OverlayRow[] {
  return changes.map((c) => ({ value: c.at, action: c.action, file: relative(process.cwd(), c.file).split(sep).join("/"), line: c.range?.start.line ?? 1, column: c.range?.start.column ?? 1 }));
}

function subjectOf(source: readonly (string | number)[], services: readonly { name: string; namespace: string; path: readonly (string | number)[] }[]): string {
  const [section, key] = source;
  if (section === "services") {
    const service = services.find((s) => s.path[1] === key);
    if (service) return `service ${service.namespace}/${service.name}`;
  }
  if (section === "authorities" && key !== undefined) return `authority ${String(key)}`;
  if (section === "issuers" && key !== undefined) return `issuer ${String(key)}`;
  if (section === "knative") return "knative";
  if (section === "mtls" && source[1] === "namespaces" && source[2] !== undefined) return `mesh namespace ${String(source[2])}`;
  if (section === "mtls" || (section === "platform" && key === "serviceMesh")) return "mesh";
  if (section === "caBundles") return "caBundles";
  return String(section ?? "policy");
}
