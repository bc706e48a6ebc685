import { relative, sep } from "node:path";
import type { Argv, CommandModule } from "yargs";
import type { OverlayChange } from "../load/merge.js";
import { compilePolicy } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { buildWireModel, describeEntity } from "../diff/facts.js";
import { classifyFiles } from "../verify/manifests.js";
import { verifyTree } from "../verify/verify.js";
import { formatPaths, terminalWidth, wrap } from "./path-table.js";
import { exitCodeOf, EXIT, printDiagnostics, printJsonReport, strictnessOf, withPolicy } from "./common.js";
import type { PolicyArgs } from "./common.js";

/** `mesh-security explain [policy]`: per subject, what is generated and why, then the paths verify models. */
export const explainCommand: CommandModule<object, PolicyArgs & { stateDir?: string }> = {
  command: "explain [policy]",
  describe: "show, per service and namespace, what is generated and why",
  builder: (yargs: Argv) =>
    withPolicy(yargs).option("state-dir", { type: "string", describe: "CA state directory (default: .mesh-security next to the policy)" }) as unknown as Argv<PolicyArgs & { stateDir?: string }>,
  handler: async (argv) => {
    const result = await compilePolicy({ policyFile: argv.policy, missingMaterial: "ignore", ...(argv.stateDir ? { stateDir: argv.stateDir } : {}), ...strictnessOf(argv) });
    // json: one document on stdout, the diagnostics inside it (never text on stderr beside it).
    if (argv.format !== "json") printDiagnostics(result.diagnostics, argv.format, result.sources);
    // sarif: the diagnostics for code scanning, one document on stdout and no report beside it.
    if (argv.format === "sarif") {
      process.exitCode = exitCodeOf(result.diagnostics);
      return;
    }
    if (hasErrors(result.diagnostics) || !result.tree) {
      if (argv.format === "json") printJsonReport(result.diagnostics, result.sources, { subjects: [] });
      process.exitCode = exitCodeOf(result.diagnostics) || EXIT.policyErrors;
      return;
    }
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
    if (argv.format === "json") {
      const report = subjects.map((subject) => ({
        subject,
        notes: result.notes.filter((n) => n.subject === subject).map((n) => n.text),
        objects: objects.filter((o) => o.subject === subject),
      }));
      // Verify's findings name manifest files, not the policy: they stay beside the path table they explain.
      printJsonReport(result.diagnostics, result.sources, { subjects: report, paths: verified.paths, pathDiagnostics: verified.diagnostics, wire, ...(result.changes ? { overlays: overlayRows(result.changes) } : {}) });
      return;
    }
    // Text: what the overlays of an `extends` chain changed, then per subject the decisions as notes and a
    // table of objects (file, wave) with the reason under each.
    let out = "";
    if (result.changes) {
      const rows = overlayRows(result.changes);
      out += "values an overlay set (file:line, relative to the working directory)\n";
      if (rows.length === 0) out += "  (none: the policy only names its base)\n";
      const width = Math.max(5, ...rows.map((r) => r.value.length));
      for (const r of rows) out += `  ${r.value.padEnd(width)}  ${r.action === "removed" ? "removed at " : ""}${r.file}:${r.line}\n`;
      out += "\n";
    }
    // On a terminal (or with $COLUMNS) the notes, reasons and path table wrap to its width.
    const columns = terminalWidth(process.stdout);
    for (const subject of subjects) {
      out += `${subject}\n`;
      for (const note of result.notes.filter((n) => n.subject === subject)) out += columns ? wrap(`- ${note.text}`, columns, "  ", "    ") : `  - ${note.text}\n`;
      const rows = objects
        .filter((x) => x.subject === subject)
        .map((o) => ({ object: `${o.role === "patch" ? "patch " : ""}${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`, file: o.file ?? "(not written)", wave: o.role === "patch" ? "-" : String(o.wave), reason: o.reason }));
      if (rows.length === 0) continue;
      const width = { object: Math.max(6, ...rows.map((r) => r.object.length)), file: Math.max(4, ...rows.map((r) => r.file.length)) };
      out += `  ${"object".padEnd(width.object)}  ${"file".padEnd(width.file)}  wave\n`;
      for (const r of rows) out += `  ${r.object.padEnd(width.object)}  ${r.file.padEnd(width.file)}  ${r.wave}\n${columns ? wrap(r.reason, columns, "      ", "      ") : `      ${r.reason}\n`}`;
    }
    if (wire.length > 0) out += "\nwire paths (as `mesh-security diff` compares them)\n";
    for (const w of wire) out += `  ${w.path}\n      ${w.facts.join("; ")}\n`;
    out += "\npaths (as `mesh-security verify` models them on this output)\n";
    out += formatPaths(verified.paths, columns, "  ");
    for (const d of verified.diagnostics) out += `  ${d.severity} ${d.code} ${d.file}: ${d.message}\n`;
    process.stdout.write(out);
  },
};

/** What each file of the `extends` chain changed, by the path diagnostics use (relative to the working directory). */
function overlayRows(changes: readonly OverlayChange[]): Array<{ value: string; action: OverlayChange["action"]; file: string; line: number; column: number }> {
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
