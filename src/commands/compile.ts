import type { Argv, CommandModule } from "yargs";
import { relative, resolve } from "node:path";
import { compileRun, outputDirOf } from "../run/compile-run.js";
import type { CompileRunOptions } from "../run/compile-run.js";
import { DEFAULT_POLICY, printRun, strictnessOf, withPolicies } from "./common.js";
import type { PolicyArgs } from "./common.js";

/** The command line as parsed: the run's options under their flag names, one or several policies (a fleet). */
type CompileCommandArgs = Omit<CompileRunOptions, "policies" | "format" | "strictness"> & Omit<PolicyArgs, "policy"> & { policy: string[] };

/** `mesh-security compile [policy..] -o DIR | --out-dir-name NAME | --stdout [--check] [--force] [--templates DIR]` */
export const compileCommand: CommandModule<object, CompileCommandArgs> = {
  command: "compile [policy..]",
  describe: "compile the policy (or several: a fleet) into manifests",
  builder: (yargs: Argv) =>
    withPolicies(yargs)
      .option("output", { alias: "o", type: "string", describe: "output directory (Argo CD / kustomize source)" })
      .option("out-dir-name", { type: "string", describe: "write each policy into <its directory>/NAME (several policies in one run: a fleet)" })
      .option("stdout", { type: "boolean", default: false, describe: "write one multi-document stream to stdout instead" })
      .option("check", { type: "boolean", default: false, describe: "do not write; exit 3 if the output directory is stale" })
      .option("force", { type: "boolean", default: false, describe: "take over a non-empty directory mesh-security did not write" })
      .option("templates", { type: "string", describe: "directory of <family>/<kind>.yaml.hbs templates, each replacing the built-in one of that path (the rest stay built in)" })
      .option("state-dir", { type: "string", describe: "CA state directory (default: .mesh-security next to the policy)" })
      .option("allow-unsafe-rotation", { type: "boolean", default: false, describe: "let a CA rotation skip a phase or go back; warns what will break (docs/rotation.md)" })
      .option("generate", { type: "boolean", default: true, describe: "generate CA material the state directory lacks; --no-generate makes it an error (an Argo CD plugin, CI)" })
      .option("secrets-dir", { type: "string", describe: "where Secrets with private keys go with output.secrets: separate (default: <state-dir>/private/secrets)" })
      .check((argv) => {
        const policies = argv.policy as string[];
        const dirName = argv.outDirName as string | undefined;
        if (argv.stdout && (argv.output !== undefined || argv.check || dirName !== undefined)) throw new Error("--stdout cannot be combined with -o, --out-dir-name or --check");
        // stdout carries the manifests: a JSON or SARIF document cannot share it (DESIGN.md: both stay clean).
        if (argv.stdout && (argv.format === "json" || argv.format === "sarif")) throw new Error(`--stdout writes the manifests to stdout, where --format ${argv.format} would print its document too: use -o DIR --format ${argv.format}, or --stdout with --format text|github (diagnostics on stderr)`);
        if (argv.output !== undefined && dirName !== undefined) throw new Error("-o names one output directory and --out-dir-name one per policy: give one of them");
        if (policies.length > 1) {
          if (argv.stdout) throw new Error("--stdout takes one policy: several would mix their objects in one stream");
          if (argv.output !== undefined) throw new Error(`-o names one directory but ${policies.length} policies were given: use --out-dir-name NAME to write each into <its directory>/NAME`);
          if (argv.stateDir !== undefined || argv.secretsDir !== undefined) throw new Error("--state-dir and --secrets-dir name one policy's directories: with several policies each keeps its own next to it");
        }
        if (dirName !== undefined && (dirName === "" || /[\\/]/.test(dirName) || dirName === "." || dirName === "..")) throw new Error(`--out-dir-name takes a directory name, not a path: ${JSON.stringify(dirName)}`);
        if (!argv.stdout && !argv.output && dirName === undefined) throw new Error("compile needs -o DIR, --out-dir-name NAME or --stdout");
        if (argv.check && argv.force) throw new Error("--check never writes, so --force has no meaning with it");
        const outputs = policies.map((p) => resolve(outputDirOf(p, argv.output as string | undefined, dirName) ?? ""));
        const twice = outputs.find((o, i) => outputs.indexOf(o) !== i);
        if (dirName !== undefined && twice !== undefined) throw new Error(`two policies would be written to ${relative(process.cwd(), twice) || "."}: give each policy its own directory`);
        return true;
      }) as unknown as Argv<CompileCommandArgs>,
  handler: async (argv) => {
    const { policy, output, outDirName, templates, stateDir, secretsDir } = argv;
    process.exitCode = await printRun(
      compileRun({
        policies: policy.length > 0 ? policy : [DEFAULT_POLICY],
        ...(output !== undefined ? { output } : {}),
        ...(outDirName !== undefined ? { outDirName } : {}),
        ...(templates !== undefined ? { templates } : {}),
        ...(stateDir !== undefined ? { stateDir } : {}),
        ...(secretsDir !== undefined ? { secretsDir } : {}),
        stdout: argv.stdout,
        check: argv.check,
        force: argv.force,
        allowUnsafeRotation: argv.allowUnsafeRotation,
        generate: argv.generate,
        format: argv.format,
        ...strictnessOf(argv),
      }),
    );
  },
};
