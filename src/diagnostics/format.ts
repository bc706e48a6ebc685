import { isAbsolute, relative, resolve, sep } from "node:path";
import { Lines } from "../util/lines.js";
import { sarifLog } from "./sarif.js";
import type { Diagnostic } from "./diagnostic.js";
import { redactKeyLike, SecretScan } from "./redact.js";
import { compareText } from "../util/compare.js";

/** Output formats of `--format`. */
export type DiagnosticFormat = "text" | "json" | "github" | "sarif";

/** The choices of `--format`, for every command's option. */
export const DIAGNOSTIC_FORMATS = ["text", "json", "github", "sarif"] as const satisfies readonly DiagnosticFormat[];

/** How a format is laid out: colour (text on a TTY), the directory paths are relative to (github, sarif), the tool version (sarif). */
export interface FormatOptions {
  color?: boolean;
  /** The repository root: `$GITHUB_WORKSPACE` in a workflow, else the working directory. */
  root?: string;
  version?: string;
}

/**
 * A file as the repository names it: relative to `root`, with `/`. GitHub resolves `file=` of an
 * annotation and a SARIF `uri` against the checkout, whatever directory the step ran in.
 */
export function repositoryPath(file: string, root: string | undefined): string {
  if (root === undefined) return file.split(sep).join("/");
  const rel = relative(resolve(root), resolve(file));
  return (rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel).split(sep).join("/");
}

/** In text, a code reported more often than this shows only the first FLOOD_SHOWN in full. */
export const FLOOD_LIMIT = 5;
export const FLOOD_SHOWN = 3;
/** Lines listed in "and N more like this (lines …)". */
const FLOOD_LINES_LISTED = 12;

/** Diagnostics in reading order: by file, then position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0) ||
      (a.range?.start.column ?? 0) - (b.range?.start.column ?? 0) ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
}

/**
 * Each policy text indexed once (line starts, secrets), however many diagnostics point into it:
 * formatting stays linear in the number of diagnostics.
 */
class Sources {
  readonly #scans = new Map<string, SecretScan | undefined>();

  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  scan(file: string): SecretScan | undefined {
    if (!this.#scans.has(file)) {
      const text = this.texts.get(file);
      this.#scans.set(file, text === undefined ? undefined : new SecretScan(new Lines(text)));
    }
    return this.#scans.get(file);
  }

  /** The diagnostic with secrets of its file taken out of message and hint. */
  redact(d: Diagnostic): Diagnostic {
    const scan = this.scan(d.file);
    const clean = (s: string): string => (scan ? scan.text(s) : redactKeyLike(s));
    return { ...d, message: clean(d.message), ...(d.hint !== undefined ? { hint: clean(d.hint) } : {}) };
  }
}

/** Diagnostics as the JSON documents print them: sorted, with secrets taken out, keys in one order. */
export function diagnosticsForJson(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): Diagnostic[] {
  const index = new Sources(sources);
  return sortDiagnostics(diagnostics).map((d) => inKeyOrder(index.redact(d)));
}

/** The keys of a diagnostic in JSON output: the order of the `Diagnostic` interface. */
const JSON_KEY_ORDER = ["code", "severity", "message", "file", "path", "range", "hint", "suppressed"] as const satisfies ReadonlyArray<keyof Diagnostic>;
// A key the list lacks would vanish from JSON output: the type check fails first.
const JSON_KEYS_COMPLETE: [Exclude<keyof Diagnostic, (typeof JSON_KEY_ORDER)[number]>] extends [never] ? true : never = true;
void JSON_KEYS_COMPLETE;

/**
 * A diagnostic with its keys in one order, whichever way it was built (a placed finding, a verify
 * finding, a load problem): JSON output compares line by line between runs and versions.
 */
function inKeyOrder(d: Diagnostic): Diagnostic {
  return Object.fromEntries(JSON_KEY_ORDER.filter((key) => d[key] !== undefined).map((key) => [key, d[key]])) as unknown as Diagnostic;
}

/** Render diagnostics for a terminal, a machine, or GitHub Actions annotations. */
export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  format: DiagnosticFormat,
  sources: ReadonlyMap<string, string>,
  options: FormatOptions = {},
): string {
  const index = new Sources(sources);
  const all = sortDiagnostics(diagnostics).map((d) => index.redact(d));
  // json and sarif list silenced findings (marked so); text and github show only what is to act on.
  if (format === "json") return JSON.stringify(all.map(inKeyOrder), null, 2) + "\n";
  if (format === "sarif") return JSON.stringify(sarifLog(all, (file) => encodeURI(repositoryPath(file, options.root)), options.version ?? "0.0.0"), null, 2) + "\n";
  const sorted = all.filter((d) => !d.suppressed);
  if (format === "github") return sorted.map((d) => formatGithub(d, options.root)).join("");
  const color = options.color ?? false;
  // Floods: a code reported many times shows its first few in full, then one line for the rest.
  const totals = new Map<string, number>();
  for (const d of sorted) totals.set(d.code, (totals.get(d.code) ?? 0) + 1);
  const rest = new Map<string, Diagnostic[]>();
  const seen = new Map<string, number>();
  const ranks = sorted.map((d) => {
    const rank = seen.get(d.code) ?? 0;
    seen.set(d.code, rank + 1);
    if ((totals.get(d.code) ?? 0) > FLOOD_LIMIT && rank >= FLOOD_SHOWN) {
      const list = rest.get(d.code) ?? [];
      list.push(d);
      rest.set(d.code, list);
    }
    return rank;
  });
  const parts: string[] = [];
  for (const [i, d] of sorted.entries()) {
    const rank = ranks[i] ?? 0;
    const more = rest.get(d.code);
    if (more && rank >= FLOOD_SHOWN) continue;
    parts.push(formatText(d, index.scan(d.file), color));
    if (more && rank === FLOOD_SHOWN - 1) parts.push(floodLine(more));
  }
  const errors = sorted.filter((d) => d.severity === "error").length;
  const warnings = sorted.filter((d) => d.severity === "warning").length;
  const notices = sorted.length - errors - warnings;
  const suppressed = all.length - sorted.length;
  const extra = `${notices > 0 ? `, ${plural(notices, "notice")}` : ""}${suppressed > 0 ? ` (${suppressed} suppressed by comments; --format json lists them)` : ""}`;
  if (all.length > 0) parts.push(`${plural(errors, "error")}, ${plural(warnings, "warning")}${extra}\n`);
  return parts.join("");
}

function floodLine(rest: readonly Diagnostic[]): string {
  const lines = [...new Set(rest.map((d) => d.range?.start.line).filter((l): l is number => l !== undefined))];
  const listed = lines.slice(0, FLOOD_LINES_LISTED).join(", ") + (lines.length > FLOOD_LINES_LISTED ? ", …" : "");
  const code = rest[0]?.code ?? "";
  return `  … and ${rest.length} more like this (${code}${lines.length > 0 ? `, line${lines.length === 1 ? "" : "s"} ${listed}` : ""}); --format json lists every one\n`;
}

function formatText(d: Diagnostic, scan: SecretScan | undefined, color: boolean): string {
  const paint = (code: string, s: string): string => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const where = d.range ? `${d.file}:${d.range.start.line}:${d.range.start.column}` : d.file;
  const severity = paint({ error: "31;1", warning: "33;1", notice: "36;1" }[d.severity], d.severity);
  let out = `${paint("1", where)} ${severity} ${paint("2", d.code)} ${d.message}\n`;
  if (scan && d.range) out += frame(scan, d.range.start, d.range.end);
  if (d.hint) out += `  ${paint("36", "hint:")} ${d.hint}\n`;
  return out;
}

/** The offending line with its neighbour above and a ^^^ marker under the range. */
export function codeFrame(text: string, start: { line: number; column: number }, end: { line: number; column: number }): string {
  return frame(new SecretScan(new Lines(text)), start, end);
}

function frame(scan: SecretScan, start: { line: number; column: number }, end: { line: number; column: number }): string {
  const count = scan.lines.starts.length;
  const first = Math.max(1, start.line - 1);
  const width = String(start.line).length;
  let out = "";
  for (let n = first; n <= start.line && n <= count; n++) {
    const line = scan.frameLine(n - 1).replace(/\t/g, " ");
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
// `file=` is resolved against the repository root ($GITHUB_WORKSPACE), not the step's working-directory.
function formatGithub(d: Diagnostic, root: string | undefined): string {
  const level = d.severity;
  const props = [`file=${escapeProperty(repositoryPath(d.file, root))}`];
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
