import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diagnosticsForJson, formatDiagnostics } from "../diagnostics/format.js";
import type { DiagnosticFormat } from "../diagnostics/format.js";

/** Exit codes of the CLI contract (DESIGN.md). */
export const EXIT = { ok: 0, policyErrors: 1, usage: 2, stale: 3, io: 4 } as const;

export const DEFAULT_POLICY = "mesh-security.yaml";

/** Options every policy-reading command shares. */
export interface PolicyArgs {
  policy: string;
  format: DiagnosticFormat;
}

/** Add the `[policy]` positional and `--format`. */
export function withPolicy<T>(yargs: Argv<T>): Argv<T & PolicyArgs> {
  return yargs
    .positional("policy", { type: "string", default: DEFAULT_POLICY, describe: "the policy file" })
    .option("format", { choices: ["text", "json", "github"] as const, default: "text" as const, describe: "diagnostics format" }) as unknown as Argv<T & PolicyArgs>;
}

/** Add the `[policy..]` positional (one or several policies: a fleet) and `--format`. */
export function withPolicies<T>(yargs: Argv<T>): Argv<T & { policy: string[]; format: DiagnosticFormat }> {
  return yargs
    .positional("policy", { type: "string", array: true, default: [DEFAULT_POLICY], describe: "the policy file(s)" })
    .option("format", { choices: ["text", "json", "github"] as const, default: "text" as const, describe: "diagnostics format" }) as unknown as Argv<T & { policy: string[]; format: DiagnosticFormat }>;
}

/**
 * Print diagnostics. Text goes to stderr (progress and problems never mix with manifests on stdout);
 * json and github go to stdout unless stdout carries manifests. Commands whose json output is a report
 * print it with printJsonReport instead, so that stdout holds exactly one JSON document.
 */
export function printDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat, text: PolicyTexts, stdoutBusy = false): void {
  if (diagnostics.length === 0 && format !== "json") return;
  const out = formatDiagnostics(diagnostics, format, sourcesOf(diagnostics, text), { color: format === "text" && process.stderr.isTTY === true });
  if (format === "text" || stdoutBusy) process.stderr.write(out);
  else process.stdout.write(out);
}

/** One JSON document on stdout: the command's report with its diagnostics inside (secrets redacted). */
export function printJsonReport(diagnostics: readonly Diagnostic[], text: PolicyTexts, report: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ diagnostics: diagnosticsForJson(diagnostics, sourcesOf(diagnostics, text)), ...report }, null, 2) + "\n");
}

/**
 * The text behind diagnostics: one text for every file they name (a single policy), or the text of
 * each file by name (a policy with its `extends` chain, several policies); files not given are read.
 */
export type PolicyTexts = string | ReadonlyMap<string, string> | undefined;

/** The policy text of each file the diagnostics name, for code frames and redaction. */
function sourcesOf(diagnostics: readonly Diagnostic[], text: PolicyTexts): Map<string, string> {
  const sources = new Map<string, string>();
  for (const d of diagnostics) {
    if (sources.has(d.file)) continue;
    const known = typeof text === "string" ? text : text?.get(d.file);
    if (known !== undefined) sources.set(d.file, known);
    else {
      try {
        sources.set(d.file, readFileSync(d.file, "utf8"));
      } catch {
        // no frame for an unreadable file
      }
    }
  }
  return sources;
}

/** A diagnostic about the file system (output directory), which has no position in the policy. */
export function outputDiagnostic(code: Diagnostic["code"], message: string, file: string, hint?: string): Diagnostic {
  return { code, severity: "error", message, file, path: [], ...(hint ? { hint } : {}) };
}
