import type { Argv, CommandModule } from "yargs";
import { join } from "node:path";
import { compilePolicy, defaultStateDir } from "../compile.js";
import { CODES } from "../diagnostics/codes.js";
import type { Diagnostic, Finding } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { PREVIOUS_KINDS } from "../targets/registry.js";
import { KUSTOMIZATION, PATCH_COMPONENT_DIR } from "../write/output-tree.js";
import { diffOutputDir, writeOutputDir } from "../write/write-dir.js";
import { describeChanges } from "../write/describe-changes.js";
import { readPreviousObjects } from "../write/previous-output.js";
import { EXIT, printDiagnostics, withPolicy } from "./common.js";
import type { PolicyArgs } from "./common.js";

interface CompileArgs extends PolicyArgs {
  output?: string;
  stdout: boolean;
  check: boolean;
  force: boolean;
  templates?: string;
  stateDir?: string;
  secretsDir?: string;
}

/** `mesh-security compile [policy] -o DIR | --stdout [--check] [--force] [--templates DIR]` */
export const compileCommand: CommandModule<object, CompileArgs> = {
  command: "compile [policy]",
  describe: "compile the policy into manifests",
  builder: (yargs: Argv) =>
    withPolicy(yargs)
      .option("output", { alias: "o", type: "string", describe: "output directory (Argo CD / kustomize source)" })
      .option("stdout", { type: "boolean", default: false, describe: "write one multi-document stream to stdout instead" })
      .option("check", { type: "boolean", default: false, describe: "do not write; exit 3 if the output directory is stale" })
      .option("force", { type: "boolean", default: false, describe: "take over a non-empty directory mesh-security did not write" })
      .option("templates", { type: "string", describe: "directory of templates overriding the built-in ones" })
      .option("state-dir", { type: "string", describe: "CA state directory (default: .mesh-security next to the policy)" })
      .option("secrets-dir", { type: "string", describe: "where Secrets with private keys go with output.secrets: separate (default: <state-dir>/private/secrets)" })
      .check((argv) => {
        if (argv.stdout && (argv.output !== undefined || argv.check)) throw new Error("--stdout cannot be combined with -o or --check");
        if (!argv.stdout && !argv.output) throw new Error("compile needs -o DIR or --stdout");
        if (argv.check && argv.force) throw new Error("--check never writes, so --force has no meaning with it");
        return true;
      }) as unknown as Argv<CompileArgs>,
  handler: async (argv) => {
    process.exitCode = await runCompile(argv);
  },
};

async function runCompile(argv: CompileArgs): Promise<number> {
  const result = await compilePolicy({
    policyFile: argv.policy,
    missingMaterial: argv.check ? "report" : "generate",
    ...(argv.stateDir ? { stateDir: argv.stateDir } : {}),
    ...(argv.output ? { outDir: argv.output, previous: await readPreviousObjects(argv.output, PREVIOUS_KINDS) } : {}),
    ...(argv.templates ? { templatesDir: argv.templates } : {}),
  });
  printDiagnostics(result.diagnostics, argv.format, result.text, argv.stdout);
  if (hasErrors(result.diagnostics) || !result.tree) return EXIT.policyErrors;
  const { files } = result.tree;

  if (argv.stdout) {
    const documents = [...files.entries()]
      .filter(([path]) => path !== KUSTOMIZATION && !path.startsWith(`${PATCH_COMPONENT_DIR}/`) && !path.startsWith("argocd-"))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, content]) => content);
    process.stdout.write(documents.join("---\n"));
    const patches = [...files.keys()].filter((p) => p.startsWith(`${PATCH_COMPONENT_DIR}/`) && p !== `${PATCH_COMPONENT_DIR}/${KUSTOMIZATION}`);
    if (patches.length > 0) process.stderr.write(`note: ${patches.length} patch(es) for objects the policy does not own are only written with -o DIR\n`);
    return EXIT.ok;
  }

  const out = argv.output;
  if (!out) return EXIT.usage; // rejected by the builder's check already
  if (argv.check) {
    const { changes, finding } = await diffOutputDir(out, files);
    if (finding) return failIo([finding], out, argv);
    if (changes.length === 0) {
      process.stderr.write(`${out} is up to date (${files.size} files)\n`);
      return EXIT.ok;
    }
    process.stderr.write(describeChanges(out, changes));
    return EXIT.stale;
  }
  // Secrets first: the Argo CD output refers to them, and a failure here leaves that output untouched.
  const { secretFiles } = result.tree;
  if (secretFiles.size > 0) {
    // Private keys never go into the Argo CD directory unless output.secrets is inline.
    const secretsDir = argv.secretsDir ?? join(argv.stateDir ?? defaultStateDir(argv.policy), "private", "secrets");
    const secretFindings = await writeOutputDir(secretsDir, secretFiles, { private: true, force: argv.force });
    if (secretFindings.length > 0) return failIo(secretFindings, secretsDir, argv);
    process.stderr.write(`wrote ${secretFiles.size} Secret(s) with private keys to ${secretsDir} (apply them out of band; never commit them)\n`);
  }
  const findings = await writeOutputDir(out, files, { force: argv.force });
  if (findings.length > 0) return failIo(findings, out, argv);
  const objects = result.rendered?.length ?? 0;
  process.stderr.write(`wrote ${objects} object(s) in ${files.size} file(s) to ${out}\n`);
  return EXIT.ok;
}

function failIo(findings: readonly Finding[], out: string, argv: CompileArgs): number {
  const diagnostics: Diagnostic[] = findings.map(({ at: _at, ...f }) => ({ ...f, severity: CODES[f.code].severity, file: out }));
  printDiagnostics(diagnostics, argv.format, "", argv.stdout);
  return EXIT.io;
}
