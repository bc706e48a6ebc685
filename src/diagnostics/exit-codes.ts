import type { Diagnostic } from "./diagnostic.js";
import { hasErrors } from "./diagnostic.js";

/** Exit codes of the CLI contract (DESIGN.md). Only the CLI sets them; library modules return them. */
export const EXIT = { ok: 0, policyErrors: 1, usage: 2, stale: 3, io: 4 } as const;

/**
 * Errors that are about reading or writing files, not about the policy: exit 4 (I/O), as the contract
 * says "an unreadable policy file or input directory is I/O, not a policy error" (MS3023: CA material
 * could not be stored).
 */
export const IO_CODES: ReadonlySet<Diagnostic["code"]> = new Set(["MS1012", "MS3023", "MS4003", "MS5001"]);

/** The exit code of a run's diagnostics: 4 when a file could not be read or written, 1 on any other error, else 0. */
export function exitCodeOf(diagnostics: readonly Diagnostic[]): number {
  if (diagnostics.some((d) => d.severity === "error" && IO_CODES.has(d.code))) return EXIT.io;
  return hasErrors(diagnostics) ? EXIT.policyErrors : EXIT.ok;
}

/** The exit code of a run of several: the most serious of theirs (DESIGN.md exit codes). */
export function worstExit(codes: readonly number[]): number {
  const rank = [EXIT.usage, EXIT.io, EXIT.policyErrors, EXIT.stale, EXIT.ok] as number[];
  return rank.find((code) => codes.includes(code)) ?? EXIT.ok;
}
