import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { DiagnosticFormat } from "../diagnostics/format.js";

/**
 * What a run (src/run/*) asks the CLI to print, in order. A run never prints: it yields these and
 * returns its exit code; src/commands/common.ts#printRun prints them and sets process.exitCode.
 */
export type RunOutput =
  /** Text for one stream (notes, progress, the manifest stream). */
  | { stream: "stdout" | "stderr"; text: string }
  /** Diagnostics to print in the run's format; `stdoutBusy`: stdout carries manifests (github goes to stderr). */
  | { diagnostics: readonly Diagnostic[]; format: DiagnosticFormat; sources: string | ReadonlyMap<string, string>; stdoutBusy?: boolean };

/** A run: yields what to print, returns the exit code. */
export type Run = AsyncGenerator<RunOutput, number, void>;
