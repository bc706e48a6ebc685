import { rename, writeFile } from "node:fs/promises";
import type { Argv, CommandModule } from "yargs";
import { overlaySchema } from "../load/overlay-schema.js";
import { policySchema } from "../validate/schema-check.js";
import { EXIT } from "./common.js";

/** `mesh-security schema [-o FILE]`: the policy JSON Schema, for editors and other tools. */
export const schemaCommand: CommandModule<object, { output?: string; overlay: boolean }> = {
  command: "schema",
  describe: "print the policy JSON Schema (or write it to a file, e.g. beside the policy for editors)",
  builder: (yargs: Argv) =>
    yargs
      .option("output", { alias: "o", type: "string", describe: "write it to this file instead of stdout" })
      .option("overlay", { type: "boolean", default: false, describe: "the schema of an overlay (a file with `extends`): every key optional, null removes" }) as unknown as Argv<{ output?: string; overlay: boolean }>,
  handler: async (argv) => {
    const text = JSON.stringify(argv.overlay ? overlaySchema(policySchema()) : policySchema(), null, 2) + "\n";
    if (argv.output === undefined) {
      process.stdout.write(text);
      return;
    }
    // Replace, never half-write: an editor may be reading the file.
    const temp = `${argv.output}.mesh-security-tmp`;
    try {
      await writeFile(temp, text);
      await rename(temp, argv.output);
      process.stderr.write(`wrote ${argv.output}\n`);
    } catch (error) {
      process.stderr.write(`error: cannot write ${argv.output}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.io;
    }
  },
};
