import { basename, dirname, join, relative, resolve } from "node:path";
import { compilePolicy, defaultStateDir } from "../compile.js";
import { diagnostic, say } from "../diagnostics/messages.js";
import type { Diagnostic, Finding } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { EXIT, exitCodeOf, worstExit } from "../diagnostics/exit-codes.js";
import type { DiagnosticFormat } from "../diagnostics/format.js";
import type { Strictness } from "../diagnostics/settle.js";
import { PREVIOUS_KINDS } from "../targets/registry.js";
import { streamObjects } from "../write/stream.js";
import { diffOutputDir, lockOutputDir, writeOutputDir } from "../write/write-dir.js";
import { describeChanges } from "../write/describe-changes.js";
import { readPreviousObjects } from "../write/previous-output.js";
import { keyDirectoryInOutput } from "../write/key-paths.js";
import { isInside } from "../util/path.js";
import { staleDiagnostics } from "../write/output-diagnostics.js";
import { ROTATION_RECORD_FILE, rotationRecordIsCurrent, writeRotationRecord } from "../ca/rotation-record.js";
import type { RotationRecord } from "../ca/rotation-record.js";
import type { Renderer } from "../render/render.js";
import type { Run } from "./output.js";

/** One `compile` run (one policy, or several: a fleet) as data: see ./output.ts. */
export interface CompileRunOptions {
  /** One or several policies (a fleet), in the order given. */
  policies: readonly string[];
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
  format: DiagnosticFormat;
  strictness: Strictness;
}

/** One policy's options; `renderer` is shared by the policies of one run (templates compiled once). */
type SingleRun = Omit<CompileRunOptions, "policies" | "outDirName"> & { policy: string; renderer?: Renderer };

/** Where one policy's output goes: `-o DIR`, or `<its directory>/NAME` with --out-dir-name. */
export function outputDirOf(policy: string, output: string | undefined, outDirName: string | undefined): string | undefined {
  return outDirName !== undefined ? join(dirname(policy), outDirName) : output;
}

/**
 * Several policies in one process (a fleet in one CI step): each compiled (or checked) into its own
 * directory, in the order given, with one renderer. The exit code is the worst of them: usage, I/O,
 * policy errors, then stale (so `--check` exits 3 when any output is stale and nothing worse happened).
 */
export async function* compileRun(options: CompileRunOptions): Run {
  const single = (policy: string, renderer?: Renderer): SingleRun => {
    const output = outputDirOf(policy, options.output, options.outDirName);
    const { output: _output, policies: _policies, outDirName: _outDirName, ...rest } = options;
    return { ...rest, policy, ...(output !== undefined ? { output } : {}), ...(renderer ? { renderer } : {}) };
  };
  if (options.policies.length === 1) return yield* runOne(single(options.policies[0] as string), undefined);
  // json, sarif: one document on stdout for the whole run.
  const report: JsonReport | undefined = options.format === "json" || options.format === "sarif" ? { diagnostics: [], sources: new Map() } : undefined;
  const renderer = new (await import("../render/render.js")).Renderer(options.templates);
  const codes: number[] = [];
  try {
    for (const policy of options.policies) codes.push(yield* runOne(single(policy, renderer), report));
  } finally {
    if (report) yield { diagnostics: report.diagnostics, format: options.format, sources: report.sources };
  }
  return worstExit(codes);
}

/** json: the policy's and the output's diagnostics are printed together at the end, as one document. */
interface JsonReport {
  diagnostics: Diagnostic[];
  /** The text of every policy file read, by name (code frames, redaction). */
  sources: Map<string, string>;
}

/** One policy; `report` collects json diagnostics when several policies print one document. */
async function* runOne(argv: SingleRun, report: JsonReport | undefined): Run {
  // Keys must never land in the output directory (committed, synced by Argo CD): refused for --check too.
  const keyDir = argv.output === undefined ? undefined : keyDirectoryInOutput(argv.output, [["the CA state directory", argv.stateDir ?? defaultStateDir(argv.policy)], ["--secrets-dir", secretsDirOf(argv)]]);
  if (argv.output !== undefined && keyDir) {
    const refused = diagnostic(say.MS4052(argv.output, keyDir), { file: keyDir.path });
    if (report) report.diagnostics.push(refused);
    else yield { diagnostics: [refused], format: argv.format, sources: "" };
    return EXIT.usage;
  }
  if (argv.output !== undefined && !argv.check) {
    const inside = [argv.output, secretsDirOf(argv)].find(holdsWorkingDirectory);
    if (inside !== undefined) {
      const refused = diagnostic(say.MS4010(inside, relative(process.cwd(), dirname(resolve(inside))) || ".", basename(resolve(inside))), { file: inside });
      if (report) report.diagnostics.push(refused);
      else yield { diagnostics: [refused], format: argv.format, sources: "" };
      return EXIT.usage;
    }
  }
  // One compile at a time per output directory, from before CA generation until the last file is written.
  if (argv.output && !argv.check) {
    const taken = await lockOutputDir(argv.output);
    if ("finding" in taken) return yield* failIo([taken.finding], argv.output, argv, report);
    try {
      return yield* compileReporting(argv, report);
    } finally {
      await taken.lock.release();
    }
  }
  return yield* compileReporting(argv, report);
}

/** json, sarif: one document at the end, whatever happened (or into the fleet's `report`); text, github: diagnostics as they come. */
async function* compileReporting(argv: SingleRun, shared: JsonReport | undefined): Run {
  if (argv.format !== "json" && argv.format !== "sarif") return yield* compileAndWrite(argv, undefined);
  if (shared) return yield* compileAndWrite(argv, shared);
  const report: JsonReport = { diagnostics: [], sources: new Map() };
  try {
    return yield* compileAndWrite(argv, report);
  } finally {
    yield { diagnostics: report.diagnostics, format: argv.format, sources: report.sources, stdoutBusy: argv.stdout };
  }
}

async function* compileAndWrite(argv: SingleRun, json: JsonReport | undefined): Run {
  const result = await compilePolicy({
    policyFile: argv.policy,
    missingMaterial: argv.check || !argv.generate ? "report" : "generate",
    ...(argv.stateDir ? { stateDir: argv.stateDir } : {}),
    ...(argv.output ? { outDir: argv.output, previous: await readPreviousObjects(argv.output, PREVIOUS_KINDS) } : {}),
    ...(argv.templates ? { templatesDir: argv.templates } : {}),
    ...(argv.renderer ? { renderer: argv.renderer } : {}),
    allowUnsafeRotation: argv.allowUnsafeRotation,
    strictness: argv.strictness,
  });
  if (json) {
    json.diagnostics.push(...result.diagnostics);
    for (const [file, text] of result.sources) json.sources.set(file, text);
  } else yield { diagnostics: result.diagnostics, format: argv.format, sources: result.sources, stdoutBusy: argv.stdout };
  if (hasErrors(result.diagnostics) || !result.tree) return exitCodeOf(result.diagnostics) || EXIT.policyErrors;
  const { files } = result.tree;

  if (argv.stdout) {
    const stream = streamObjects(result.rendered ?? [], result.tree, result.model?.output.secrets ?? "separate");
    yield { stream: "stdout", text: stream.text };
    const command = `mesh-security compile ${argv.policy} -o <dir>`;
    const left = [
      ...(stream.patches > 0 ? [`  - ${stream.patches} patch(es) for objects the policy does not own: \`${command}\` writes them to <dir>/patches, a kustomize Component for the overlay that holds those objects\n`] : []),
      ...(stream.secrets > 0 ? [`  - ${stream.secrets} Secret(s) with private keys (output.secrets: separate): \`${command}\` writes them to ${secretsDirOf(argv)}; apply them out of band\n`] : []),
      ...stream.deferred.map(
        (r) =>
          `  - Route ${r.namespace}/${r.name}: the API server rejects it until Secret ${r.namespace}/${r.secret} (spec.tls.externalCertificate) exists; once \`oc get secret -n ${r.namespace} ${r.secret}\` finds it, \`${command} && oc apply -f <dir>/${r.path}\`\n`,
      ),
    ];
    if (left.length > 0) yield { stream: "stderr", text: `note: the stream leaves out what one stream cannot carry:\n${left.join("")}` };
    return yield* recordRotation(result.rotationRecord, argv, json);
  }

  const out = argv.output;
  if (!out) return EXIT.usage; // rejected by the builder's check already
  if (argv.check) {
    const { changes, finding } = await diffOutputDir(out, files);
    if (finding) return yield* failIo([finding], out, argv, json);
    const stateDir = argv.stateDir ?? defaultStateDir(argv.policy);
    if (result.rotationRecord !== undefined && !(await rotationRecordIsCurrent(stateDir, result.rotationRecord))) {
      // The record travels with the output: a clone without it would not know which phase was rolled out.
      const record = join(stateDir, ROTATION_RECORD_FILE);
      yield { stream: "stderr", text: `${record} does not record what this output distributes: compile -o ${out} and commit it\n` };
      if (changes.length > 0) yield { stream: "stderr", text: describeChanges(out, changes) };
      // github, json, sarif: the record is a stale file like any other (an annotation on it in CI).
      const stale = diagnostic(say.MS4040({ record, name: ROTATION_RECORD_FILE, dir: out }), { file: record, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } });
      if (json) json.diagnostics.push(stale, ...staleDiagnostics(out, changes));
      else if (argv.format !== "text") yield { diagnostics: [stale, ...staleDiagnostics(out, changes)], format: argv.format, sources: "" };
      return EXIT.stale;
    }
    if (changes.length === 0) {
      yield { stream: "stderr", text: `${out} is up to date (${files.size} files)\n` };
      return EXIT.ok;
    }
    yield { stream: "stderr", text: describeChanges(out, changes) };
    // github, json, sarif: each stale file is also an MS4040 error on that file (an annotation in CI).
    if (json) json.diagnostics.push(...staleDiagnostics(out, changes));
    else if (argv.format !== "text") yield { diagnostics: staleDiagnostics(out, changes), format: argv.format, sources: "" };
    return EXIT.stale;
  }
  // With secrets: inline the key Secrets are in the output itself: their files get mode 0600.
  const privateFiles = new Set(result.model?.output.secrets === "inline" ? [...result.tree.paths].filter(([r]) => r.planned.role === "secret").map(([, path]) => path) : []);
  const findings = await writeOutputDir(out, files, { force: argv.force, privateFiles, locked: true });
  if (findings.length > 0) return yield* failIo(findings, out, argv, json);
  const objects = result.rendered?.length ?? 0;
  yield { stream: "stderr", text: `wrote ${objects} object(s) in ${files.size} file(s) to ${out}\n` };
  // Secrets only after the main output succeeded: a failed compile must not leave keys of a CA that
  // the (unchanged) output does not reference yet.
  const { secretFiles } = result.tree;
  if (secretFiles.size > 0) {
    // Private keys never go into the Argo CD directory unless output.secrets is inline.
    const secretsDir = secretsDirOf(argv);
    const secretFindings = await writeOutputDir(secretsDir, secretFiles, { private: true, force: argv.force });
    if (secretFindings.length > 0) return yield* failIo(secretFindings, secretsDir, argv, json);
    // secretFiles holds the Secrets and their Kustomization.
    yield { stream: "stderr", text: `wrote ${secretFiles.size - 1} Secret(s) with private keys to ${secretsDir} (apply them out of band with oc apply -k ${secretsDir}; never commit them)\n` };
  }
  return yield* recordRotation(result.rotationRecord, argv, json);
}

/** Once the output is out, record the rotation phase it distributed (and its roots) for the next run. */
async function* recordRotation(record: RotationRecord | null | undefined, argv: SingleRun, json: JsonReport | undefined): Run {
  if (record === undefined) return EXIT.ok;
  const stateDir = argv.stateDir ?? defaultStateDir(argv.policy);
  try {
    await writeRotationRecord(stateDir, record);
  } catch (error) {
    const file = join(stateDir, ROTATION_RECORD_FILE);
    return yield* failIo([{ ...say.MS4003({ record: file, reason: (error as Error).message }), path: [] }], file, argv, json);
  }
  if (record) yield { stream: "stderr", text: `rotation of ${record.authority}: phase ${record.phase} recorded in ${join(stateDir, ROTATION_RECORD_FILE)} (commit it with the output)\n` };
  return EXIT.ok;
}

/**
 * True when the working directory is `dir` or inside it. Writing swaps `dir` for a staged copy (rename),
 * so a process sitting in it would be left in the removed old directory (the "orphaned" shell).
 */
function holdsWorkingDirectory(dir: string): boolean {
  return isInside(process.cwd(), dir);
}

/** Where Secrets with private keys go with output.secrets: separate. */
function secretsDirOf(argv: Pick<SingleRun, "policy" | "stateDir" | "secretsDir">): string {
  return argv.secretsDir ?? join(argv.stateDir ?? defaultStateDir(argv.policy), "private", "secrets");
}

async function* failIo(findings: readonly Finding[], out: string, argv: SingleRun, json: JsonReport | undefined): Run {
  const diagnostics: Diagnostic[] = findings.map(({ path, at: _at, ...said }) => diagnostic(said, { file: out, path }));
  if (json) json.diagnostics.push(...diagnostics);
  else yield { diagnostics, format: argv.format, sources: "", stdoutBusy: argv.stdout };
  return EXIT.io;
}
