import type { CommandModule } from "yargs";
import { policySchema } from "../validate/schema-check.js";

/** `mesh-security schema`: the policy JSON Schema, for editors and other tools. */
export const schemaCommand: CommandModule = {
  command: "schema",
  describe: "print the policy JSON Schema",
  handler: () => {
    process.stdout.write(JSON.stringify(policySchema(), null, 2) + "\n");
  },
};
