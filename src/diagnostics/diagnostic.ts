import type { DiagnosticCode, Severity } from "./codes.js";

/** A 1-based line/column position in the policy file. */
export interface LinePos {
  line: number;
  column: number;
}

/** One problem found in a policy, at any stage: data, never printed or thrown by the stage itself. */
export interface Diagnostic {
  code: DiagnosticCode;
  /** `notice`: the normal state of a clone or CI (e.g. no private keys here); never fails a run. */
  severity: Severity;
  message: string;
  file: string;
  /** Path into the policy document, e.g. ["services", 0, "host"]. */
  path: (string | number)[];
  range?: { start: LinePos; end: LinePos };
  /** "did you mean ...", or the fix. */
  hint?: string;
  /** Silenced by a `# mesh-security: ignore CODE -- reason` comment (warnings only): kept for json and sarif. */
  suppressed?: Suppressed;
}

/** Where and why a finding was silenced. */
export interface Suppressed {
  /** The text after `--` in the comment ("" when the comment gave none, which is itself MS2018). */
  reason: string;
  /** The 1-based line of the comment. */
  line: number;
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
