import type { DiagnosticCode } from "../diagnostics/codes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { EXIT } from "./common.js";

/** Errors that are I/O failures although the pipeline reports them as diagnostics: exit 4, not 1. */
const IO_ERRORS: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(["MS3023"]);

/** The exit code of a run that ended with errors: 4 when one of them is an I/O failure, else 1. */
export function errorExit(diagnostics: readonly Diagnostic[]): number {
  return diagnostics.some((d) => d.severity === "error" && IO_ERRORS.has(d.code)) ? EXIT.io : EXIT.policyErrors;
}
