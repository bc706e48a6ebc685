import { Parser } from "yaml";
import { Lines } from "../util/lines.js";
import { CODES } from "./codes.js";
import type { DiagnosticCode, Severity } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { diagnostic, say } from "./messages.js";
import type { Said } from "./messages.js";

/**
 * Suppression comments: `# mesh-security: ignore MS2209 -- ...` on the
 * line of a finding, or on its own line above it, silences that warning there (ESLint's
 * `eslint-disable-line` / `eslint-disable-next-line`, in one form). Errors and notices cannot be
 * silenced. A silenced finding is kept, marked `suppressed`, for `--format json|sarif`.
 */

/** One `ignore` comment as written. */
export interface Suppression {
  /** The codes it names, as written (`MS` + four digits). */
  codes: string[];
  /** The text after `--`, trimmed; "" when there is none. */
  reason: string;
  /** Where the comment is: 1-based line, column of `#`, and the column after its last character. */
  line: number;
  column: number;
  endColumn: number;
  /** The line it applies to: its own (a trailing comment) or the first line after a block of comment lines. */
  target: number;
}

const IGNORE = /^#\s*mesh-security:\s*ignore\b(.*)$/;
const CODE = /\bMS\d{4}\b/g;
const SUPPRESSION_CODES: ReadonlySet<DiagnosticCode> = new Set(["MS2018", "MS2019", "MS2020"]);

/** Every `mesh-security: ignore` comment of a YAML text, in order. Comments only: a `#` inside a string is not one. */
export function findSuppressions(text: string): Suppression[] {
  if (!text.includes("mesh-security:")) return [];
  const lines = new Lines(text);
  const count = lines.starts.length;
  const commentOnly = (line: number): boolean => /^\s*#/.test(lines.line(line - 1));
  const found: Suppression[] = [];
  for (const { offset, source } of comments(text)) {
    const match = IGNORE.exec(source.trimEnd());
    if (!match) continue;
    const rest = match[1] ?? "";
    const dashes = rest.indexOf("--");
    const codesPart = dashes < 0 ? rest : rest.slice(0, dashes);
    const index = lines.indexOf(offset);
    const line = index + 1;
    const column = offset - (lines.starts[index] ?? 0) + 1;
    let target = line;
    if (commentOnly(line)) {
      target = line + 1;
      while (target <= count && commentOnly(target)) target++;
    }
    found.push({ codes: codesPart.match(CODE) ?? [], reason: dashes < 0 ? "" : rest.slice(dashes + 2).trim(), line, column, endColumn: column + source.trimEnd().length, target });
  }
  return found;
}

/** Comment tokens of the YAML concrete syntax tree (yaml's Parser keeps each with its offset). */
function comments(text: string): Array<{ offset: number; source: string }> {
  const out: Array<{ offset: number; source: string }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const token = node as { type?: unknown; offset?: unknown; source?: unknown };
    if (token.type === "comment" && typeof token.offset === "number" && typeof token.source === "string") {
      out.push({ offset: token.offset, source: token.source });
      return;
    }
    for (const value of Object.values(node)) walk(value);
  };
  for (const token of new Parser().parse(text)) walk(token);
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * Mark the warnings that a comment of their file silences, and report the comments that are wrong:
 * no reason (MS2018), silencing nothing (MS2019), naming an error, a notice or an unknown code (MS2020).
 */
export function applySuppressions(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): Diagnostic[] {
  const out = [...diagnostics];
  for (const [file, text] of sources) {
    const suppressions = findSuppressions(text);
    for (const s of suppressions) {
      const used = new Set<string>();
      for (const [i, d] of out.entries()) {
        if (d.file !== file || d.severity !== "warning" || d.suppressed || SUPPRESSION_CODES.has(d.code) || !d.range || d.range.start.line !== s.target || !s.codes.includes(d.code)) continue;
        out[i] = { ...d, suppressed: { reason: s.reason, line: s.line } };
        used.add(d.code);
      }
      const at = (said: Said<"MS2018" | "MS2019" | "MS2020">): Diagnostic =>
        diagnostic(said, { file, range: { start: { line: s.line, column: s.column }, end: { line: s.line, column: s.endColumn } } });
      if (s.codes.length === 0) {
        out.push(at(say.MS2020("no code")));
        continue;
      }
      if (s.reason === "") out.push(at(say.MS2018(s.codes)));
      for (const code of s.codes) {
        const info = (CODES as Record<string, { severity: Severity } | undefined>)[code];
        if (!info) out.push(at(say.MS2020({ unknown: code })));
        else if (info.severity !== "warning") out.push(at(say.MS2020({ code, severity: info.severity })));
        else if (!used.has(code)) out.push(at(say.MS2019(code, s.target)));
      }
    }
  }
  return out;
}
