import type { Diagnostic } from "./diagnostic.js";

/** Output formats of `--format`. */
export type DiagnosticFormat = "text" | "json" | "github";

/** Diagnostics in reading order: by file, then position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0) ||
      (a.range?.start.column ?? 0) - (b.range?.start.column ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** Render diagnostics for a terminal, a machine, or GitHub Actions annotations. */
export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  format: DiagnosticFormat,
  sources: ReadonlyMap<string, string>,
  options: { color?: boolean } = {},
): string {
  const sorted = sortDiagnostics(diagnostics);
  if (format === "json") return JSON.stringify(sorted, null, 2) + "\n";
  if (format === "github") return sorted.map(formatGithub).join("");
  const parts = sorted.map((d) => formatText(d, sources.get(d.file), options.color ?? false));
  const errors = sorted.filter((d) => d.severity === "error").length;
  const warnings = sorted.length - errors;
  if (sorted.length > 0) parts.push(`${plural(errors, "error")}, ${plural(warnings, "warning")}\n`);
  return parts.join("");
}

function formatText(d: Diagnostic, text: string | undefined, color: boolean): string {
  const paint = (code: string, s: string): string => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const where = d.range ? `${d.file}:${d.range.start.line}:${d.range.start.column}` : d.file;
  const severity = d.severity === "error" ? paint("31;1", "error") : paint("33;1", "warning");
  let out = `${paint("1", where)} ${severity} ${paint("2", d.code)} ${d.message}\n`;
  if (text !== undefined && d.range) out += codeFrame(text, d.range.start, d.range.end);
  if (d.hint) out += `  ${paint("36", "hint:")} ${d.hint}\n`;
  return out;
}

/** The offending line with its neighbour above and a ^^^ marker under the range. */
export function codeFrame(text: string, start: { line: number; column: number }, end: { line: number; column: number }): string {
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, start.line - 1);
  const width = String(start.line).length;
  let out = "";
  for (let n = first; n <= start.line && n <= lines.length; n++) {
    const line = (lines[n - 1] ?? "").replace(/\t/g, " ");
    out += ` ${String(n).padStart(width)} | ${line}\n`;
    if (n === start.line) {
      const lastColumn = end.line === start.line ? Math.max(end.column, start.column + 1) : line.length + 1;
      const length = Math.max(1, Math.min(lastColumn, line.length + 1) - start.column);
      out += ` ${" ".repeat(width)} | ${" ".repeat(Math.max(0, start.column - 1))}${"^".repeat(length)}\n`;
    }
  }
  return out;
}

// GitHub workflow commands: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
function formatGithub(d: Diagnostic): string {
  const level = d.severity === "error" ? "error" : "warning";
  const props = [`file=${escapeProperty(d.file)}`];
  if (d.range) {
    props.push(`line=${d.range.start.line}`, `col=${d.range.start.column}`);
    if (d.range.end.line !== d.range.start.line) props.push(`endLine=${d.range.end.line}`);
    else props.push(`endColumn=${Math.max(d.range.end.column, d.range.start.column + 1)}`);
  }
  props.push(`title=${escapeProperty(d.code)}`);
  const message = d.hint ? `${d.message} (${d.hint})` : d.message;
  return `::${level} ${props.join(",")}::${escapeData(`${d.code} ${message}`)}\n`;
}

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
