import type { Argv, CommandModule } from "yargs";
import { compilePolicy } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
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
    if (argv.format !== "json") printDiagnostics(result.diagnostics, argv.format, result.text);
    // sarif: the diagnostics for code scanning, one document on stdout and no report beside it.
    if (argv.format === "sarif") {
      process.exitCode = exitCodeOf(result.diagnostics);
      return;
    }
    if (hasErrors(result.diagnostics) || !result.tree) {
      if (argv.format === "json") printJsonReport(result.diagnostics, result.text, { subjects: [] });
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
    const subjects = [...new Set([...objects.map((o) => o.subject), ...result.notes.map((n) => n.subject)])].sort();
    if (argv.format === "json") {
      const report = subjects.map((subject) => ({
        subject,
        notes: result.notes.filter((n) => n.subject === subject).map((n) => n.text),
        objects: objects.filter((o) => o.subject === subject),
      }));
      // Verify's findings name manifest files, not the policy: they stay beside the path table they explain.
      printJsonReport(result.diagnostics, result.text, { subjects: report, paths: verified.paths, pathDiagnostics: verified.diagnostics });
      return;
    }
    // Text: per subject, the decisions as notes, then a table of objects (file, wave) with the reason under each.
    let out = "";
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
    out += "\npaths (as `mesh-security verify` models them on this output)\n";
    out += formatPaths(verified.paths, columns, "  ");
    for (const d of verified.diagnostics) out += `  ${d.severity} ${d.code} ${d.file}: ${d.message}\n`;
    process.stdout.write(out);
  },
};

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
