import type { Argv, CommandModule } from "yargs";
import { realpathSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { compilePolicy, defaultStateDir } from "../compile.js";
import { CODES } from "../diagnostics/codes.js";
import type { Diagnostic, Finding } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { PREVIOUS_KINDS } from "../targets/registry.js";
import { streamObjects } from "../write/stream.js";
import { diffOutputDir, lockOutputDir, writeOutputDir } from "../write/write-dir.js";
import { describeChanges } from "../write/describe-changes.js";
import { readPreviousObjects } from "../write/previous-output.js";
import { keyDirectoryInOutput } from "../write/key-paths.js";
import { errorExit } from "./exit-code.js";
import { ROTATION_RECORD_FILE, rotationRecordIsCurrent, writeRotationRecord } from "../ca/rotation-record.js";
import type { RotationRecord } from "../ca/rotation-record.js";
import { EXIT, outputDiagnostic, printDiagnostics, withPolicy } from "./common.js";
import type { PolicyArgs } from "./common.js";

interface CompileArgs extends PolicyArgs {
  output?: string;
  stdout: boolean;
  check: boolean;
  force: boolean;
  templates?: string;
  stateDir?: string;
  secretsDir?: string;
  allowUnsafeRotation: boolean;
  generate: boolean;
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
      .option("templates", { type: "string", describe: "directory of <family>/<kind>.yaml.hbs templates, each replacing the built-in one of that path (the rest stay built in)" })
      .option("state-dir", { type: "string", describe: "CA state directory (default: .mesh-security next to the policy)" })
      .option("allow-unsafe-rotation", { type: "boolean", default: false, describe: "let a CA rotation skip a phase or go back; warns what will break (docs/rotation.md)" })
      .option("generate", { type: "boolean", default: true, describe: "generate CA material the state directory lacks; --no-generate makes it an error (an Argo CD plugin, CI)" })
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

/** json: the policy's and the output's diagnostics are printed together at the end, as one document. */
interface JsonReport {
  diagnostics: Diagnostic[];
  text?: string;
}

async function runCompile(argv: CompileArgs): Promise<number> {
  // Keys must never land in the output directory (committed, synced by Argo CD): refused for --check too.
  const keyDir = argv.output === undefined ? undefined : keyDirectoryInOutput(argv.output, [["the CA state directory", argv.stateDir ?? defaultStateDir(argv.policy)], ["--secrets-dir", secretsDirOf(argv)]]);
  if (argv.output !== undefined && keyDir) {
    const message = `refusing to compile into ${argv.output}: ${keyDir.what} ${keyDir.path} lies inside it, so CA private keys would be written into the output directory (and so into Git and Argo CD)`;
    printDiagnostics([outputDiagnostic("MS4052", message, keyDir.path, "keep --secrets-dir and --state-dir outside the output directory (the default Secrets directory is <state-dir>/private/secrets)")], argv.format, "");
    return EXIT.usage;
  }
  if (argv.output !== undefined && !argv.check) {
    const inside = [argv.output, secretsDirOf(argv)].find(holdsWorkingDirectory);
    if (inside !== undefined) {
      const message = `refusing to write ${inside}: it is the current directory or holds it, and compile replaces the whole directory, which would leave your shell in a removed one`;
      printDiagnostics([outputDiagnostic("MS4010", message, inside, `run it from outside, e.g. cd ${relative(process.cwd(), dirname(resolve(inside))) || "."} && mesh-security compile <policy> -o ${basename(resolve(inside))}`)], argv.format, "");
      return EXIT.usage;
    }
  }
  // One compile at a time per output directory, from before CA generation until the last file is written.
  if (argv.output && !argv.check) {
    const taken = await lockOutputDir(argv.output);
    if ("finding" in taken) return failIo([taken.finding], argv.output, argv, undefined);
    try {
      return await compileReporting(argv);
    } finally {
      await taken.lock.release();
    }
  }
  return compileReporting(argv);
}

/** json: one document at the end, whatever happened; text: diagnostics as they come. */
async function compileReporting(argv: CompileArgs): Promise<number> {
  if (argv.format !== "json") return compileAndWrite(argv, undefined);
  const report: JsonReport = { diagnostics: [] };
  try {
    return await compileAndWrite(argv, report);
  } finally {
    printDiagnostics(report.diagnostics, "json", report.text, argv.stdout);
  }
}

async function compileAndWrite(argv: CompileArgs, json: JsonReport | undefined): Promise<number> {
  const result = await compilePolicy({
    policyFile: argv.policy,
    missingMaterial: argv.check || !argv.generate ? "report" : "generate",
    ...(argv.stateDir ? { stateDir: argv.stateDir } : {}),
    ...(argv.output ? { outDir: argv.output, previous: await readPreviousObjects(argv.output, PREVIOUS_KINDS) } : {}),
    ...(argv.templates ? { templatesDir: argv.templates } : {}),
    allowUnsafeRotation: argv.allowUnsafeRotation,
  });
  if (json) {
    json.diagnostics.push(...result.diagnostics);
    if (result.text !== undefined) json.text = result.text;
  } else printDiagnostics(result.diagnostics, argv.format, result.text, argv.stdout);
  if (hasErrors(result.diagnostics) || !result.tree) return errorExit(result.diagnostics);
  const { files } = result.tree;

  if (argv.stdout) {
    const stream = streamObjects(result.rendered ?? [], result.tree, result.model?.output.secrets ?? "separate");
    process.stdout.write(stream.text);
    const command = `mesh-security compile ${argv.policy} -o <dir>`;
    const left = [
      ...(stream.patches > 0 ? [`  - ${stream.patches} patch(es) for objects the policy does not own: \`${command}\` writes them to <dir>/patches, a kustomize Component for the overlay that holds those objects\n`] : []),
      ...(stream.secrets > 0 ? [`  - ${stream.secrets} Secret(s) with private keys (output.secrets: separate): \`${command}\` writes them to ${secretsDirOf(argv)}; apply them out of band\n`] : []),
    ];
    if (left.length > 0) process.stderr.write(`note: the stream leaves out what one stream cannot carry:\n${left.join("")}`);
    return recordRotation(result.rotationRecord, argv, json);
  }

  const out = argv.output;
  if (!out) return EXIT.usage; // rejected by the builder's check already
  if (argv.check) {
    const { changes, finding } = await diffOutputDir(out, files);
    if (finding) return failIo([finding], out, argv, json);
    const stateDir = argv.stateDir ?? defaultStateDir(argv.policy);
    if (result.rotationRecord !== undefined && !(await rotationRecordIsCurrent(stateDir, result.rotationRecord))) {
      // The record travels with the output: a clone without it would not know which phase was rolled out.
      process.stderr.write(`${join(stateDir, ROTATION_RECORD_FILE)} does not record what this output distributes: compile -o ${out} and commit it\n`);
      if (changes.length > 0) process.stderr.write(describeChanges(out, changes));
      return EXIT.stale;
    }
    if (changes.length === 0) {
      process.stderr.write(`${out} is up to date (${files.size} files)\n`);
      return EXIT.ok;
    }
    process.stderr.write(describeChanges(out, changes));
    return EXIT.stale;
  }
  // With secrets: inline the key Secrets are in the output itself: their files get mode 0600.
  const privateFiles = new Set(result.model?.output.secrets === "inline" ? [...result.tree.paths].filter(([r]) => r.planned.role === "secret").map(([, path]) => path) : []);
  const findings = await writeOutputDir(out, files, { force: argv.force, privateFiles, locked: true });
  if (findings.length > 0) return failIo(findings, out, argv, json);
  const objects = result.rendered?.length ?? 0;
  process.stderr.write(`wrote ${objects} object(s) in ${files.size} file(s) to ${out}\n`);
  // Secrets only after the main output succeeded: a failed compile must not leave keys of a CA that
  // the (unchanged) output does not reference yet.
  const { secretFiles } = result.tree;
  if (secretFiles.size > 0) {
    // Private keys never go into the Argo CD directory unless output.secrets is inline.
    const secretsDir = secretsDirOf(argv);
    const secretFindings = await writeOutputDir(secretsDir, secretFiles, { private: true, force: argv.force });
    if (secretFindings.length > 0) return failIo(secretFindings, secretsDir, argv, json);
    process.stderr.write(`wrote ${secretFiles.size} Secret(s) with private keys to ${secretsDir} (apply them out of band; never commit them)\n`);
  }
  return recordRotation(result.rotationRecord, argv, json);
}

/** Once the output is out, record the rotation phase it distributed (and its roots) for the next run. */
async function recordRotation(record: RotationRecord | null | undefined, argv: CompileArgs, json: JsonReport | undefined): Promise<number> {
  if (record === undefined) return EXIT.ok;
  const stateDir = argv.stateDir ?? defaultStateDir(argv.policy);
  try {
    await writeRotationRecord(stateDir, record);
  } catch (error) {
    const file = join(stateDir, ROTATION_RECORD_FILE);
    return failIo([{ code: "MS4003", message: `cannot record the rotation phase in ${file}: ${(error as Error).message}`, path: [] }], file, argv, json);
  }
  if (record) process.stderr.write(`rotation of ${record.authority}: phase ${record.phase} recorded in ${join(stateDir, ROTATION_RECORD_FILE)} (commit it with the output)\n`);
  return EXIT.ok;
}

/**
 * True when the working directory is `dir` or inside it. Writing swaps `dir` for a staged copy (rename),
 * so a process sitting in it would be left in the removed old directory (the "orphaned" shell).
 */
function holdsWorkingDirectory(dir: string): boolean {
  const real = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  const cwd = real(process.cwd());
  const target = real(dir);
  return cwd === target || cwd.startsWith(target.endsWith(sep) ? target : `${target}${sep}`);
}

/** Where Secrets with private keys go with output.secrets: separate. */
function secretsDirOf(argv: CompileArgs): string {
  return argv.secretsDir ?? join(argv.stateDir ?? defaultStateDir(argv.policy), "private", "secrets");
}

function failIo(findings: readonly Finding[], out: string, argv: CompileArgs, json: JsonReport | undefined): number {
  const diagnostics: Diagnostic[] = findings.map(({ at: _at, ...f }) => ({ ...f, severity: CODES[f.code].severity, file: out }));
  if (json) json.diagnostics.push(...diagnostics);
  else printDiagnostics(diagnostics, argv.format, "", argv.stdout);
  return EXIT.io;
}
