import type { Argv, CommandModule } from "yargs";
import type { DiagnosticFormat } from "../diagnostics/format.js";
import { hasBrokenPaths, verifyDirectories } from "../verify/verify.js";
import { formatPaths } from "../verify/path-table.js";
import { terminalWidth } from "./terminal.js";
import { EXIT, exitCodeOf, FORMAT_OPTION, printDiagnostics } from "./common.js";

interface VerifyArgs {
  dir: string;
  with: string[];
  secretsDir?: string;
  format: DiagnosticFormat;
}

/** `mesh-security verify DIR [--with DIR...] [--secrets-dir DIR]`: model the consumers of a compiled output. */
export const verifyCommand: CommandModule<object, VerifyArgs> = {
  command: "verify <dir>",
  describe: "model the router, mesh, cert-manager and Service CA on an output directory: exit 1 when a path would break",
  builder: (yargs: Argv) =>
    yargs
      .positional("dir", { type: "string", demandOption: true, describe: "the compiled output directory" })
      .option("with", { type: "string", array: true, default: [] as string[], describe: "a directory of the application's own manifests (Services, Deployments, ...); repeatable" })
      .option("secrets-dir", { type: "string", describe: "the separate Secrets directory (output.secrets: separate), if it should be modelled" })
      .option("format", { ...FORMAT_OPTION, describe: "output format: text (the table on stdout), json (table and diagnostics, one document), github (annotations; the table on stderr), sarif (the diagnostics, for code scanning)" }) as unknown as Argv<VerifyArgs>,
  handler: (argv) => {
    const result = verifyDirectories({ output: argv.dir, with: argv.with, ...(argv.secretsDir ? { secrets: argv.secretsDir } : {}) });
    const exit = result.unreadable ? exitCodeOf(result.diagnostics) || EXIT.io : hasBrokenPaths(result) ? EXIT.policyErrors : EXIT.ok;
    if (argv.format === "json") {
      // Exactly one JSON document on stdout.
      process.stdout.write(JSON.stringify({ paths: result.paths, diagnostics: result.diagnostics }, null, 2) + "\n");
    } else if (argv.format === "sarif") {
      printDiagnostics(result.diagnostics, "sarif", undefined);
    } else if (argv.format === "github") {
      process.stderr.write(formatPaths(result.paths, terminalWidth(process.stderr)));
      printDiagnostics(result.diagnostics, "github", undefined);
    } else {
      if (!result.unreadable) process.stdout.write(formatPaths(result.paths, terminalWidth(process.stdout)));
      printDiagnostics(result.diagnostics, "text", undefined);
    }
    process.exitCode = exit;
  },
};
