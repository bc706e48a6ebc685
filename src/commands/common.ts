import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { DIAGNOSTIC_FORMATS, diagnosticsForJson, formatDiagnostics } from "../diagnostics/format.js";
import type { DiagnosticFormat } from "../diagnostics/format.js";
import type { Strictness } from "../diagnostics/settle.js";
import type { Run } from "../run/output.js";
import { version } from "../version.js";

export { EXIT, exitCodeOf } from "../diagnostics/exit-codes.js";

export const DEFAULT_POLICY = "mesh-security.yaml";

/** Options every policy-reading command shares. */
export interface PolicyArgs {
  policy: string;
  format: DiagnosticFormat;
  warningsAsErrors: boolean;
  requireKeys: boolean;
}

/** The `--format` option, the same for every command that prints diagnostics. */
export const FORMAT_OPTION = {
  choices: DIAGNOSTIC_FORMATS,
  default: "text" as const,
  describe: "diagnostics format: text (stderr), json or sarif (stdout, one document), github (workflow annotations)",
};

/** Add the `[policy]` positional, `--format`, `--warnings-as-errors` and `--require-keys`. */
export function withPolicy<T>(yargs: Argv<T>): Argv<T & PolicyArgs> {
  return yargs
    .positional("policy", { type: "string", default: DEFAULT_POLICY, describe: "the policy file" })
    .option("format", FORMAT_OPTION)
    .option("warnings-as-errors", { type: "boolean", default: false, describe: "fail (exit 1) on warnings too; warnings silenced by a `# mesh-security: ignore CODE -- why` comment do not count" })
    .option("require-keys", { type: "boolean", default: false, describe: "make missing CA private keys (MS2303, a notice in a clone or CI) an error" }) as unknown as Argv<T & PolicyArgs>;
}

/** The strictness options of a policy command, for compilePolicy. */
export function strictnessOf(argv: { warningsAsErrors?: boolean; requireKeys?: boolean }): { strictness: Strictness } {
  return { strictness: { warningsAsErrors: argv.warningsAsErrors === true, requireKeys: argv.requireKeys === true } };
}

/** Where GitHub annotations and SARIF locations are relative to: the checkout in a workflow, else here. */
export function repositoryRoot(): string {
  return process.env["GITHUB_WORKSPACE"] || process.cwd();
}

/** Add the `[policy..]` positional (one or several policies: a fleet), `--format`, `--warnings-as-errors` and `--require-keys`. */
export function withPolicies<T>(yargs: Argv<T>): Argv<T & Omit<PolicyArgs, "policy"> & { policy: string[] }> {
  return yargs
    .positional("policy", { type: "string", array: true, default: [DEFAULT_POLICY], describe: "the policy file(s)" })
    .option("format", FORMAT_OPTION)
    .option("warnings-as-errors", { type: "boolean", default: false, describe: "fail (exit 1) on warnings too; warnings silenced by a `# mesh-security: ignore CODE -- why` comment do not count" })
    .option("require-keys", { type: "boolean", default: false, describe: "make missing CA private keys (MS2303, a notice in a clone or CI) an error" }) as unknown as Argv<T & Omit<PolicyArgs, "policy"> & { policy: string[] }>;
}

/**
 * Print diagnostics. Text goes to stderr (progress and problems never mix with manifests on stdout);
 * json and sarif go to stdout (one document; `compile --stdout` refuses them), github to stdout unless
 * stdout carries manifests. Commands whose json output is a report print it with printJsonReport
 * instead, so that stdout holds exactly one JSON document.
 */
export function printDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat, text: PolicyTexts, stdoutBusy = false): void {
  if (diagnostics.length === 0 && format !== "json" && format !== "sarif") return;
  const out = formatDiagnostics(diagnostics, format, sourcesOf(diagnostics, text), { color: format === "text" && process.stderr.isTTY === true, root: repositoryRoot(), version: version() });
  if (format === "text" || (format === "github" && stdoutBusy)) process.stderr.write(out);
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

/** Print what a run yields, in order; its exit code, for the command to set. */
export async function printRun(run: Run): Promise<number> {
  for (let step = await run.next(); ; step = await run.next()) {
    if (step.done) return step.value;
    const out = step.value;
    if ("stream" in out) process[out.stream].write(out.text);
    else printDiagnostics(out.diagnostics, out.format, out.sources, out.stdoutBusy);
  }
}
