import type { Argv, CommandModule } from "yargs";
import { compilePolicy } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { explainCompiled, formatExplanation } from "../explain/explain.js";
import { terminalWidth } from "./terminal.js";
import { exitCodeOf, EXIT, printDiagnostics, printJsonReport, strictnessOf, withPolicy } from "./common.js";
import type { PolicyArgs } from "./common.js";

/** `mesh-security explain [policy]`: per subject, what is generated and why, then the paths verify models. */
export const explainCommand: CommandModule<object, PolicyArgs & { stateDir?: string }> = {
  command: "explain [policy]",
  describe: "show, per service and namespace, what is generated and why",
  builder: (yargs: Argv) =>
    withPolicy(yargs).option("state-dir", { type: "string", describe: "CA state directory (default: .mesh-security next to the policy)" }) as unknown as Argv<PolicyArgs & { stateDir?: string }>,
  handler: async (argv) => {
    const result = await compilePolicy({ policyFile: argv.policy, missingMaterial: "ignore", ...(argv.stateDir ? { stateDir: argv.stateDir } : {}), ...strictnessOf(argv) });
    // json: one document on stdout, the diagnostics inside it (never text on stderr beside it).
    if (argv.format !== "json") printDiagnostics(result.diagnostics, argv.format, result.sources);
    // sarif: the diagnostics for code scanning, one document on stdout and no report beside it.
    if (argv.format === "sarif") {
      process.exitCode = exitCodeOf(result.diagnostics);
      return;
    }
    if (hasErrors(result.diagnostics) || !result.tree) {
      if (argv.format === "json") printJsonReport(result.diagnostics, result.sources, { subjects: [] });
      process.exitCode = exitCodeOf(result.diagnostics) || EXIT.policyErrors;
      return;
    }
    const explanation = explainCompiled({ ...result, tree: result.tree });
    // Verify's findings name manifest files, not the policy: they stay beside the path table they explain.
    if (argv.format === "json") printJsonReport(result.diagnostics, result.sources, { ...explanation });
    else process.stdout.write(formatExplanation(explanation, terminalWidth(process.stdout)));
  },
};
