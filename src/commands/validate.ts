import type { Argv, CommandModule } from "yargs";
import { compilePolicy } from "../compile.js";
import { exitCodeOf, printDiagnostics, strictnessOf, withPolicy } from "./common.js";
import type { PolicyArgs } from "./common.js";

/** `mesh-security validate [policy]`: every diagnostic the compiler would report, nothing written. */
export const validateCommand: CommandModule<object, PolicyArgs> = {
  command: "validate [policy]",
  describe: "check the policy and print diagnostics; writes nothing",
  builder: (yargs: Argv) => withPolicy(yargs) as unknown as Argv<PolicyArgs>,
  handler: async (argv) => {
    const result = await compilePolicy({ policyFile: argv.policy, missingMaterial: "ignore", placeOnly: true, ...strictnessOf(argv) });
    printDiagnostics(result.diagnostics, argv.format, result.text);
    if (argv.format === "text" && result.diagnostics.length === 0) process.stderr.write(`${argv.policy}: ok\n`);
    process.exitCode = exitCodeOf(result.diagnostics);
  },
};
