import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { caCommand } from "./commands/ca.js";
import { compileCommand } from "./commands/compile.js";
import { EXIT } from "./commands/common.js";
import { explainCommand } from "./commands/explain.js";
import { initCommand } from "./commands/init.js";
import { schemaCommand } from "./commands/schema.js";
import { validateCommand } from "./commands/validate.js";
import { verifyCommand } from "./commands/verify.js";
import { version } from "./version.js";

/** A bad command line: reported in one line, exit 2, and no command runs. */
class UsageError extends Error {}

/** Parse the command line and run one command; the only place that sets the exit code. */
export async function main(argv: string[]): Promise<void> {
  try {
    await yargs(argv)
      .scriptName("mesh-security")
      .command(validateCommand)
      .command(compileCommand)
      .command(explainCommand)
      .command(verifyCommand)
      .command(caCommand)
      .command(schemaCommand)
      .command(initCommand)
      .demandCommand(1, "give a command")
      .strict()
      .version(version())
      .help()
      .wrap(Math.min(100, process.stdout.columns ?? 100))
      .fail((message, error) => {
        if (error && !message) throw error;
        throw new UsageError(message ?? String(error));
      })
      .parseAsync();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\nrun mesh-security --help for usage\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    // Bad input never gets here (stages return diagnostics); this is a bug, so say so plainly.
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\nplease report this with the policy that caused it\n`);
    process.exitCode = EXIT.io;
  }
}

await main(hideBin(process.argv));
