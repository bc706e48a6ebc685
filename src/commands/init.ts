import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Argv, CommandModule } from "yargs";
import { schemaReference, SCHEMA_BESIDE } from "../init/schema-ref.js";
import { INSTALLED_SCHEMA_REF, starterPolicy } from "../init/starter-policy.js";
import { policySchema, SCHEMA_FILE } from "../validate/schema-check.js";
import { DEFAULT_POLICY, EXIT } from "./common.js";

interface InitArgs {
  policy: string;
  stdout: boolean;
  force: boolean;
  schemaBeside: boolean;
}

/** `mesh-security init [policy]`: a commented starter policy that compiles as written. */
export const initCommand: CommandModule<object, InitArgs> = {
  command: "init [policy]",
  describe: "write a commented starter policy",
  builder: (yargs: Argv) =>
    yargs
      .positional("policy", { type: "string", default: DEFAULT_POLICY, describe: "where to write it" })
      .option("stdout", { type: "boolean", default: false, describe: "print it instead" })
      .option("force", { type: "boolean", default: false, describe: "overwrite an existing file" })
      .option("schema-beside", {
        type: "boolean",
        default: false,
        describe: `write the JSON Schema beside the policy (${SCHEMA_BESIDE}) and point $schema at it; the default when mesh-security is not installed in a node_modules above the policy`,
      }) as unknown as Argv<InitArgs>,
  handler: async (argv) => {
    if (argv.stdout) {
      const found = schemaReference(argv.policy, SCHEMA_FILE);
      process.stdout.write(starterPolicy(found.beside ? INSTALLED_SCHEMA_REF : found.ref));
      return;
    }
    const found = schemaReference(argv.policy, SCHEMA_FILE);
    const beside = argv.schemaBeside || found.beside;
    const ref = beside ? `./${SCHEMA_BESIDE}` : found.ref;
    const schemaFile = join(dirname(argv.policy), SCHEMA_BESIDE);
    const schemaText = JSON.stringify(policySchema(), null, 2) + "\n";
    // The schema first: the same schema already there is fine; another file of that name is not ours to replace.
    const present = beside ? await readFile(schemaFile, "utf8").catch(() => undefined) : undefined;
    if (beside && present !== schemaText && !(await write(schemaFile, schemaText, argv.force))) return;
    if (!(await write(argv.policy, starterPolicy(ref), argv.force))) return;
    const note = beside ? `$schema: ${ref} (written beside the policy; refresh it after upgrading with mesh-security schema -o ${schemaFile})` : `$schema: ${ref}`;
    process.stderr.write(`wrote ${argv.policy}; ${note}\nnext: npx --no-install mesh-security validate ${argv.policy}, then npx --no-install mesh-security compile ${argv.policy} -o manifests\n(--no-install: never fetch a package of that name from the registry; install mesh-security as a dev dependency first, see the README)\n`);
  },
};

/** Write a new file (or overwrite with --force); on failure say why and set the exit code. */
async function write(file: string, text: string, force: boolean): Promise<boolean> {
  try {
    // `init clusters/prod/mesh-security.yaml` in a new repository: the directory is part of the request.
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, { flag: force ? "w" : "wx" });
    return true;
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === "EEXIST";
    process.stderr.write(`error: cannot write ${file}: ${exists ? "file exists (use --force to overwrite)" : String((error as Error).message)}\n`);
    process.exitCode = exists ? EXIT.usage : EXIT.io;
    return false;
  }
}
