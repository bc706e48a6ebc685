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
import { ROTATION_RECORD_FILE, rotationRecordIsCurrent, writeRotationRecord } from "../ca/rotation-record.js";
import type { RotationRecord } from "../ca/rotation-record.js";
import type { Renderer } from "../render/render.js";
import { DEFAULT_POLICY, EXIT, exitCodeOf, outputDiagnostic, printDiagnostics, staleDiagnostics, strictnessOf, withPolicies } from "./common.js";
import type { PolicyArgs } from "./common.js";

interface CompileArgs extends PolicyArgs {
  output?: string;
  outDirName?: string;
  stdout: boolean;
  check: boolean;
  force: boolean;
  templates?: string;
  stateDir?: string;
  secretsDir?: string;
  allowUnsafeRotation: boolean;
  generate: boolean;
  /** Shared by the policies of one run (templates compiled once). */
  renderer?: Renderer;
}

/** The command line as parsed: one or several policies (a fleet). */
type CompileCommandArgs = Omit<CompileArgs, "policy"> & { policy: string[] };

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
    process.exitCode = await compileFleet(argv);
  },
};

/** Where one policy's output goes: `-o DIR`, or `<its directory>/NAME` with --out-dir-name. */
function outputDirOf(policy: string, output: string | undefined, outDirName: string | undefined): string | undefined {
  return outDirName !== undefined ? join(dirname(policy), outDirName) : output;
}

/**
 * Several policies in one process (a fleet in one CI step): each compiled (or checked) into its own
 * directory, in the order given, with one renderer. The exit code is the worst of them: usage, I/O,
 * policy errors, then stale (so `--check` exits 3 when any output is stale and nothing worse happened).
 */
async function compileFleet(argv: CompileCommandArgs): Promise<number> {
  const single = (policy: string, renderer?: Renderer): CompileArgs => {
    const output = outputDirOf(policy, argv.output, argv.outDirName);
    const { output: _output, ...rest } = argv;
    return { ...rest, policy, ...(output !== undefined ? { output } : {}), ...(renderer ? { renderer } : {}) };
  };
  if (argv.policy.length === 1) return runCompile(single(argv.policy[0] ?? DEFAULT_POLICY), undefined);
  // json, sarif: one document on stdout for the whole run.
  const report: JsonReport | undefined = argv.format === "json" || argv.format === "sarif" ? { diagnostics: [], sources: new Map() } : undefined;
  const renderer = new (await import("../render/render.js")).Renderer(argv.templates);
  const codes: number[] = [];
  try {
    for (const policy of argv.policy) codes.push(await runCompile(single(policy, renderer), report));
  } finally {
    if (report) printDiagnostics(report.diagnostics, argv.format, report.sources);
  }
  return worstExit(codes);
}

/** The exit code of a run of several: the most serious of theirs (DESIGN.md exit codes). */
export function worstExit(codes: readonly number[]): number {
  const rank = [EXIT.usage, EXIT.io, EXIT.policyErrors, EXIT.stale, EXIT.ok] as number[];
  return rank.find((code) => codes.includes(code)) ?? EXIT.ok;
}

/** json: the policy's and the output's diagnostics are printed together at the end, as one document. */
interface JsonReport {
  diagnostics: Diagnostic[];
  /** The text of every policy file read, by name (code frames, redaction). */
  sources: Map<string, string>;
}

/** One policy; `report` collects json diagnostics when several policies print one document. */
async function runCompile(argv: CompileArgs, report: JsonReport | undefined): Promise<number> {
  // Keys must never land in the output directory (committed, synced by Argo CD): refused for --check too.
  const keyDir = argv.output === undefined ? undefined : keyDirectoryInOutput(argv.output, [["the CA state directory", argv.stateDir ?? defaultStateDir(argv.policy)], ["--secrets-dir", secretsDirOf(argv)]]);
  if (argv.output !== undefined && keyDir) {
    const message = `refusing to compile into ${argv.output}: ${keyDir.what} ${keyDir.path} lies inside it, so CA private keys would be written into the output directory (and so into Git and Argo CD)`;
    const diagnostic = outputDiagnostic("MS4052", message, keyDir.path, "keep --secrets-dir and --state-dir outside the output directory (the default Secrets directory is <state-dir>/private/secrets)");
    if (report) report.diagnostics.push(diagnostic);
    else printDiagnostics([diagnostic], argv.format, "");
    return EXIT.usage;
  }
  if (argv.output !== undefined && !argv.check) {
    const inside = [argv.output, secretsDirOf(argv)].find(holdsWorkingDirectory);
    if (inside !== undefined) {
      const message = `refusing to write ${inside}: it is the current directory or holds it, and compile replaces the whole directory, which would leave your shell in a removed one`;
      const diagnostic = outputDiagnostic("MS4010", message, inside, `run it from outside, e.g. cd ${relative(process.cwd(), dirname(resolve(inside))) || "."} && mesh-security compile <policy> -o ${basename(resolve(inside))}`);
      if (report) report.diagnostics.push(diagnostic);
      else printDiagnostics([diagnostic], argv.format, "");
      return EXIT.usage;
    }
  }
  // One compile at a time per output directory, from before CA generation until the last file is written.
  if (argv.output && !argv.check) {
    const taken = await lockOutputDir(argv.output);
    if ("finding" in taken) return failIo([taken.finding], argv.output, argv, report);
    try {
      return await compileReporting(argv, report);
    } finally {
      await taken.lock.release();
    }
  }
  return compileReporting(argv, report);
}

/** json, sarif: one document at the end, whatever happened (or into the fleet's `report`); text, github: diagnostics as they come. */
async function compileReporting(argv: CompileArgs, shared: JsonReport | undefined): Promise<number> {
  if (argv.format !== "json" && argv.format !== "sarif") return compileAndWrite(argv, undefined);
  if (shared) return compileAndWrite(argv, shared);
  const report: JsonReport = { diagnostics: [], sources: new Map() };
  try {
    return await compileAndWrite(argv, report);
  } finally {
    printDiagnostics(report.diagnostics, argv.format, report.sources, argv.stdout);
  }
}

async function compileAndWrite(argv: CompileArgs, json: JsonReport | undefined): Promise<number> {
  const result = await compilePolicy({
    policyFile: argv.policy,
    missingMaterial: argv.check || !argv.generate ? "report" : "generate",
    ...(argv.stateDir ? { stateDir: argv.stateDir } : {}),
    ...(argv.output ? { outDir: argv.output, previous: await readPreviousObjects(argv.output, PREVIOUS_KINDS) } : {}),
    ...(argv.templates ? { templatesDir: argv.templates } : {}),
    ...(argv.renderer ? { renderer: argv.renderer } : {}),
    allowUnsafeRotation: argv.allowUnsafeRotation,
    ...strictnessOf(argv),
  });
  if (json) {
    json.diagnostics.push(...result.diagnostics);
    for (const [file, text] of result.sources) json.sources.set(file, text);
  } else printDiagnostics(result.diagnostics, argv.format, result.sources, argv.stdout);
  if (hasErrors(result.diagnostics) || !result.tree) return exitCodeOf(result.diagnostics) || EXIT.policyErrors;
  const { files } = result.tree;

  if (argv.stdout) {
    const stream = streamObjects(result.rendered ?? [], result.tree, result.model?.output.secrets ?? "separate");
    process.stdout.write(stream.text);
    const command = `mesh-security compile ${argv.policy} -o <dir>`;
    const left = [
      ...(stream.patches > 0 ? [`  - ${stream.patches} patch(es) for objects the policy does not own: \`${command}\` writes them to <dir>/patches, a kustomize Component for the overlay that holds those objects\n`] : []),
      ...(stream.secrets > 0 ? [`  - ${stream.secrets} Secret(s) with private keys (output.secrets: separate): \`${command}\` writes them to ${secretsDirOf(argv)}; apply them out of band\n`] : []),
      ...stream.deferred.map(
        (r) =>
          `  - Route ${r.namespace}/${r.name}: the API server rejects it until Secret ${r.namespace}/${r.secret} (spec.tls.externalCertificate) exists; once \`oc get secret -n ${r.namespace} ${r.secret}\` finds it, \`${command} && oc apply -f <dir>/${r.path}\`\n`,
      ),
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
      const record = join(stateDir, ROTATION_RECORD_FILE);
      process.stderr.write(`${record} does not record what this output distributes: compile -o ${out} and commit it\n`);
      if (changes.length > 0) process.stderr.write(describeChanges(out, changes));
      // github, json, sarif: the record is a stale file like any other (an annotation on it in CI).
      const stale: Diagnostic = { ...outputDiagnostic("MS4040", `${ROTATION_RECORD_FILE} does not record the rotation phase this output distributes`, record, `run the same compile without --check and commit ${record} with ${out}`), range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } };
      if (json) json.diagnostics.push(stale, ...staleDiagnostics(out, changes));
      else if (argv.format !== "text") printDiagnostics([stale, ...staleDiagnostics(out, changes)], argv.format, "");
      return EXIT.stale;
    }
    if (changes.length === 0) {
      process.stderr.write(`${out} is up to date (${files.size} files)\n`);
      return EXIT.ok;
    }
    process.stderr.write(describeChanges(out, changes));
    // github, json, sarif: each stale file is also an MS4040 error on that file (an annotation in CI).
    if (json) json.diagnostics.push(...staleDiagnostics(out, changes));
    else if (argv.format !== "text") printDiagnostics(staleDiagnostics(out, changes), argv.format, "");
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
    // secretFiles holds the Secrets and their Kustomization.
    process.stderr.write(`wrote ${secretFiles.size - 1} Secret(s) with private keys to ${secretsDir} (apply them out of band with oc apply -k ${secretsDir}; never commit them)\n`);
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
