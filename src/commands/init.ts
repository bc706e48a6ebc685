import { writeFile } from "node:fs/promises";
import type { Argv, CommandModule } from "yargs";
import { STARTER_POLICY } from "../init/starter-policy.js";
import { DEFAULT_POLICY, EXIT } from "./common.js";

interface InitArgs {
  policy: string;
  stdout: boolean;
  force: boolean;
}

/** `mesh-security init [policy]`: a commented starter policy that compiles as written. */
export const initCommand: CommandModule<object, InitArgs> = {
  command: "init [policy]",
  describe: "write a commented starter policy",
  builder: (yargs: Argv) =>
    yargs
      .positional("policy", { type: "string", default: DEFAULT_POLICY, describe: "where to write it" })
      .option("stdout", { type: "boolean", default: false, describe: "print it instead" })
      .option("force", { type: "boolean", default: false, describe: "overwrite an existing file" }) as unknown as Argv<InitArgs>,
  handler: async (argv) => {
    if (argv.stdout) {
      process.stdout.write(STARTER_POLICY);
      return;
    }
    try {
      await writeFile(argv.policy, STARTER_POLICY, { flag: argv.force ? "w" : "wx" });
      process.stderr.write(`wrote ${argv.policy}; next: mesh-security compile ${argv.policy} -o manifests\n`);
    } catch (error) {
      const exists = (error as NodeJS.ErrnoException).code === "EEXIST";
      process.stderr.write(`error: cannot write ${argv.policy}: ${exists ? "file exists (use --force to overwrite)" : String((error as Error).message)}\n`);
      process.exitCode = exists ? EXIT.usage : EXIT.io;
    }
  },
};
