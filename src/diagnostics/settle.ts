import type { Diagnostic } from "./diagnostic.js";
import { applySuppressions } from "./suppress.js";

/** How strict a run is: the command-line options that change a diagnostic's severity. */
export interface Strictness {
  /** `--warnings-as-errors`: every warning that no comment silences fails the run. */
  warningsAsErrors?: boolean;
  /** `--require-keys`: a missing private key (MS2303, a notice in a clone and in CI) is an error. */
  requireKeys?: boolean;
}

/**
 * The last step of every run over a policy: suppression comments of the policy files, then the
 * strictness options. Order matters: a silenced warning stays a warning under --warnings-as-errors,
 * and the comments' own findings (MS2018-MS2020) are warnings like any other.
 */
export function settleDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, strictness: Strictness = {}): Diagnostic[] {
  return applySuppressions(diagnostics, sources).map((d) => {
    // MS2303's hint already says that --require-keys asks for the keys (compile passes it to sealing).
    if (strictness.requireKeys && d.code === "MS2303") return { ...d, severity: "error" };
    if (strictness.warningsAsErrors && d.severity === "warning" && !d.suppressed) return { ...d, severity: "error" };
    return d;
  });
}
