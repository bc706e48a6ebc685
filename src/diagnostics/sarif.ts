import { CODES } from "./codes.js";
import type { CodeInfo, DiagnosticCode } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";

/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) for GitHub code
 * scanning (`github/codeql-action/upload-sarif`). One run; `tool.driver.rules` holds the codes the
 * results use, with the summary and fix of the code table (the text of docs/diagnostics.md); each
 * result points at the policy line (`physicalLocation`, URI relative to the repository root, which
 * code scanning resolves against the checkout: `%SRCROOT%`). A silenced warning is a result with an
 * `inSource` suppression, which code scanning shows as dismissed instead of open.
 */

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** SARIF levels: `note` is SARIF's word for a notice. */
const LEVEL = { error: "error", warning: "warning", notice: "note" } as const;

/** The SARIF log of a run's diagnostics (already sorted and redacted), `uri` of each relative to the repository. */
export function sarifLog(diagnostics: readonly Diagnostic[], uriOf: (file: string) => string, version: string): Record<string, unknown> {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "mesh-security", semanticVersion: version, version, rules: codes.map((code) => sarifRule(code, CODES[code])) } },
        columnKind: "unicodeCodePoints",
        results: diagnostics.map((d) => sarifResult(d, ruleIndex.get(d.code) ?? 0, uriOf(d.file))),
      },
    ],
  };
}

function sarifRule(code: DiagnosticCode, info: CodeInfo): Record<string, unknown> {
  const help = `${info.summary}\n\nFix: ${info.fix}`;
  return {
    id: code,
    name: info.title.replace(/(^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase()),
    shortDescription: { text: info.title },
    fullDescription: { text: info.summary },
    help: { text: help, markdown: `**${code} ${info.title}** (${info.severity})\n\n${info.summary}\n\n**Fix:** ${info.fix}\n\nSee docs/diagnostics.md#${code.toLowerCase()}.` },
    defaultConfiguration: { level: LEVEL[info.severity] },
    properties: { tags: ["mesh-security", stageOf(code)] },
  };
}

function sarifResult(d: Diagnostic, ruleIndex: number, uri: string): Record<string, unknown> {
  const region = d.range
    ? { startLine: d.range.start.line, startColumn: d.range.start.column, endLine: d.range.end.line, endColumn: Math.max(d.range.end.column, d.range.end.line === d.range.start.line ? d.range.start.column + 1 : 1) }
    : undefined;
  // A result's text is the diagnostic's message, with its hint: passed through, never written here.
  const message = { text: d.hint ? `${d.message} (${d.hint})` : d.message };
  return {
    ruleId: d.code,
    ruleIndex,
    level: LEVEL[d.severity],
    message,
    // A file outside the repository (an output directory elsewhere) keeps an absolute file: URI.
    locations: [{ physicalLocation: { artifactLocation: uri.startsWith("/") ? { uri: `file://${uri}` } : { uri, uriBaseId: "%SRCROOT%" }, ...(region ? { region } : {}) } }],
    ...(d.suppressed ? { suppressions: [{ kind: "inSource", status: "accepted", justification: d.suppressed.reason }] } : {}),
  };
}

/** The stage a code belongs to, from its thousands digit (the code table's ranges). */
function stageOf(code: DiagnosticCode): string {
  return ({ "1": "load-and-schema", "2": "semantic-rule", "3": "ca-material", "4": "output", "5": "verify" } as Record<string, string>)[code[2] ?? ""] ?? "other";
}
