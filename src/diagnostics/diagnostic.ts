import type { DiagnosticCode } from "./codes.js";

/** A 1-based line/column position in the policy file. */
export interface LinePos {
  line: number;
  column: number;
}

/** One problem found in a policy, at any stage: data, never printed or thrown by the stage itself. */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: "error" | "warning";
  message: string;
  file: string;
  /** Path into the policy document, e.g. ["services", 0, "host"]. */
  path: (string | number)[];
  range?: { start: LinePos; end: LinePos };
  /** "did you mean ...", or the fix. */
  hint?: string;
}

/** What every pipeline stage returns: a value when it could produce one, and everything it found. */
export interface StageResult<T> {
  value?: T;
  diagnostics: Diagnostic[];
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** What a rule reports: the pipeline adds severity (from the code), file and range. */
export interface Finding {
  code: DiagnosticCode;
  message: string;
  path: (string | number)[];
  hint?: string;
  /** Point at the key of the last path segment rather than its value (unknown or misspelled keys). */
  at?: "key";
}
