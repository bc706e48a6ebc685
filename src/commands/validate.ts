import type { Argv, CommandModule } from "yargs";
import { compilePolicy } from "../compile.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { exitCodeOf, printDiagnostics, strictnessOf, withPolicies } from "./common.js";
import type { PolicyArgs } from "./common.js";

type ValidateArgs = Omit<PolicyArgs, "policy"> & { policy: string[] };

/** `mesh-security validate [policy..]`: every diagnostic the compiler would report, nothing written. */
export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: "validate [policy..]",
  describe: "check the policy (or several: a fleet) and print diagnostics; writes nothing",
  builder: (yargs: Argv) => withPolicies(yargs) as unknown as Argv<ValidateArgs>,
  handler: async (argv) => {
    // Several policies print as one report (one JSON document), their files' texts side by side.
    const diagnostics: Diagnostic[] = [];
    const sources = new Map<string, string>();
    const clean: string[] = [];
    for (const policy of argv.policy) {
      const result = await compilePolicy({ policyFile: policy, missingMaterial: "ignore", placeOnly: true, ...strictnessOf(argv) });
      diagnostics.push(...result.diagnostics);
      for (const [file, text] of result.sources) sources.set(file, text);
      if (result.diagnostics.length === 0) clean.push(policy);
    }
    printDiagnostics(diagnostics, argv.format, sources);
    if (argv.format === "text") for (const policy of clean) process.stderr.write(`${policy}: ok\n`);
    process.exitCode = exitCodeOf(diagnostics);
  },
};
