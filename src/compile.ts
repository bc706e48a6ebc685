import { dirname, join, relative, resolve, sep } from "node:path";
import { diagnostic } from "./diagnostics/messages.js";
import type { Diagnostic, Finding } from "./diagnostics/diagnostic.js";
import { hasErrors } from "./diagnostics/diagnostic.js";
import { sortDiagnostics } from "./diagnostics/format.js";
import { loadPolicyChain, withRootText } from "./load/extends.js";
import type { PolicyFiles } from "./load/extends.js";
import type { OverlayChange } from "./load/merge.js";
import type { Locate } from "./load/provenance.js";
import { settleDiagnostics } from "./diagnostics/settle.js";
import type { Strictness } from "./diagnostics/settle.js";
import type { SourceMap } from "./load/source-map.js";
import type { Model } from "./model/model.js";
import type { GenerationRecord } from "./ca/generation-record.js";
import { lifecycleFindings } from "./ca/lifecycle-rules.js";
import { loadMaterial } from "./material/load-material.js";
import { sealRendered } from "./material/seal-secrets.js";
import type { MissingMaterial } from "./material/load-material.js";
import type { RotationRecord } from "./ca/rotation-record.js";
import type { RenderedObject, Renderer } from "./render/render.js";
import { TARGETS } from "./targets/registry.js";
import type { AuthorityMaterialView, ExplainNote } from "./targets/target.js";
import { flatString } from "./util/flat-string.js";
import { validatePolicy } from "./validate/validate-policy.js";
import { buildOutputTree, placeObjects } from "./write/output-tree.js";
import type { IgnoreDifference, OutputTree } from "./write/output-tree.js";

/** Everything `compile` needs to know; each option has its default here and nowhere else. */
export interface CompileOptions {
  policyFile: string;
  /** The output directory the files are meant for (headers name the policy relative to it). */
  outDir?: string;
  templatesDir?: string;
  /** The CA state directory (default `.mesh-security` next to the policy file: `defaultStateDir`). */
  stateDir?: string;
  /** CA material already loaded, by authority name (skips reading the state directory). */
  authorities?: ReadonlyMap<string, AuthorityMaterialView>;
  /** Generated authorities without material: generate them (compile), report them (--check), or ignore (validate). */
  missingMaterial?: MissingMaterial;
  /** The clock used for CA generation and expiry rules. */
  now?: Date;
  /** Objects of the previous output, for rules that compare with it. */
  previous?: ReadonlyMap<string, Record<string, unknown>>;
  /** A shared renderer (templates compiled once per process). */
  renderer?: Renderer;
  /** Let a CA rotation skip a phase, go back or be replaced, with a warning saying what breaks. */
  allowUnsafeRotation?: boolean;
  /** Stop once every object has a path (MS4002, MS4005 checked), without writing out files: no `tree` (validate). */
  placeOnly?: boolean;
  /** How the policy and its `extends` chain are read (default: the disk; `diff` reads a git revision). */
  files?: PolicyFiles;
  /** The policy text, already read: `policyFile` only names it (its `extends` chain is read through `files`). */
  text?: string;
  /** --warnings-as-errors, --require-keys: applied after suppression comments, as the last step. */
  strictness?: Strictness;
}

export interface CompileResult {
  diagnostics: Diagnostic[];
  /** The policy text, for code frames. */
  text?: string;
  /** The text of every file read (the policy and its `extends` chain), by the name diagnostics use: code frames. */
  sources: Map<string, string>;
  /** Each value a file of the `extends` chain set or removed, with the file that did (explain). */
  changes?: OverlayChange[];
  model?: Model;
  rendered?: RenderedObject[];
  tree?: OutputTree;
  notes: ExplainNote[];
  /** The rotation record (`<state>/rotation.json`) to leave once the output is written: null removes it, absent leaves it. */
  rotationRecord?: RotationRecord | null;
  /** Authorities stored without a generation record, with the record read from their certificates (for `ca init`). */
  unrecorded?: Map<string, GenerationRecord>;
}

/** load → validate → normalize → plan → render → lay out. Writes nothing; the caller decides where to. */
export async function compilePolicy(options: CompileOptions): Promise<CompileResult> {
  const result = await runPipeline(options);
  // Suppression comments are read in every file of the `extends` chain (a base's comment silences its own finding).
  return { ...result, diagnostics: sortDiagnostics(settleDiagnostics(result.diagnostics, result.sources, options.strictness)) };
}

async function runPipeline(options: CompileOptions): Promise<CompileResult> {
  const file = options.policyFile;
  const loaded = await loadPolicyChain(file, options.text !== undefined ? withRootText(file, options.text, options.files) : options.files);
  const text = loaded.sources.get(file);
  const base: Omit<CompileResult, "diagnostics"> = { notes: [] as ExplainNote[], sources: loaded.sources, ...(text !== undefined ? { text } : {}) };
  if (!loaded.value) return { ...base, diagnostics: loaded.diagnostics };
  const { locate, data } = loaded.value;
  if (loaded.value.files.length > 1) base.changes = loaded.value.changes;
  const place = (findings: readonly Finding[]): Diagnostic[] => findings.map((f) => placeAt(f, locate));

  const validated = validatePolicy(data, file);
  const diagnostics = [...loaded.diagnostics, ...place(validated.findings)];
  const model = validated.value;
  if (!model) return { ...base, diagnostics };

  diagnostics.push(...place(lifecycleFindings(model)));
  let authorities = options.authorities;
  let rotation: Pick<CompileResult, "rotationRecord"> = {};
  let unrecorded: Map<string, GenerationRecord> | undefined;
  if (!authorities) {
    const secrets = model.output.secrets;
    const material = await loadMaterial(model, {
      stateDir: options.stateDir ?? defaultStateDir(file),
      // Keys are read only when Secrets are written: inline needs them; separate and sealed use them when
      // present and otherwise leave the Secrets alone (a clone has public material only); validate never reads them.
      withKeys: secrets === "inline" ? true : secrets === "none" || options.missingMaterial === "ignore" ? false : "if-present",
      missing: options.missingMaterial ?? "report",
      now: options.now ?? new Date(),
      allowUnsafeRotation: options.allowUnsafeRotation === true,
      ...(options.previous ? { previous: options.previous } : {}),
    });
    if (material.rotationRecord !== undefined) rotation = { rotationRecord: material.rotationRecord };
    diagnostics.push(...place(material.findings));
    authorities = material.authorities;
    unrecorded = material.unrecorded;
  }
  const context = { model, authorities, previous: options.previous ?? new Map() };
  const planned = TARGETS.map((target) => target.plan(context));
  diagnostics.push(...place(validated.settle(planned.flatMap((p) => p.findings))));
  // Kept until explain prints them: flat, as their text is built by appending (flatString).
  const notes = planned.flatMap((p) => p.notes.map((note) => ({ subject: note.subject, text: flatString(note.text) })));
  if (unrecorded) base.unrecorded = unrecorded;
  if (hasErrors(diagnostics)) return { ...base, diagnostics, model, notes };

  // Handlebars loads only once there is something to render.
  const renderer = options.renderer ?? new (await import("./render/render.js")).Renderer(options.templatesDir);
  const rendered: RenderedObject[] = [];
  const renderFindings: Finding[] = [];
  // Key Secrets whose keys this checkout lacks are not rendered; sealing keeps their previous form.
  const all = planned.flatMap((p) => p.objects);
  const keyless = all.filter((o) => o.role === "secret" && o.values["keysAbsent"] === true);
  for (const object of all.filter((o) => !keyless.includes(o))) {
    const result = await renderer.render(object);
    if (result.value) rendered.push(result.value);
    if (result.finding) renderFindings.push(result.finding);
  }
  diagnostics.push(...place(dedupe(renderFindings)), ...place(await renderer.strayOverrides()));
  if (hasErrors(diagnostics)) return { ...base, diagnostics, model, notes };
  const sealed = await sealRendered(rendered, keyless, { model, policyFile: file, previous: context.previous, now: options.now ?? new Date(), keysRequired: options.strictness?.requireKeys === true });
  diagnostics.push(...place(sealed.findings));
  if (hasErrors(diagnostics)) return { ...base, diagnostics, model, notes };
  rendered.splice(0, rendered.length, ...sealed.rendered);

  const settings = {
    policyName: model.name,
    policyFile: policyLabel(file, options.outDir),
    layout: model.output.layout,
    syncWaves: model.output.syncWaves,
    secrets: model.output.secrets,
  };
  if (options.placeOnly) {
    diagnostics.push(...place(placeObjects(rendered, settings).findings));
    return { ...base, diagnostics, model, rendered, notes, ...rotation };
  }
  const ignoreDifferences: IgnoreDifference[] = planned.flatMap((p) => p.ignoreDifferences);
  const tree = buildOutputTree(rendered, ignoreDifferences, settings);
  diagnostics.push(...place(tree.findings));
  return { ...base, diagnostics, model, rendered, notes, ...rotation, ...(tree.value ? { tree: tree.value } : {}) };
}

/** The CA state directory next to the policy file. */
export function defaultStateDir(policyFile: string): string {
  return join(dirname(policyFile), ".mesh-security");
}

/** Severity from the code table, file, and the range of the path in the policy. */
export function placeFinding(finding: Finding, file: string, source: SourceMap): Diagnostic {
  return placeAt(finding, (path, options) => ({ file, range: source.locate(path, options) }));
}

/** Severity from the code table; file and range from the file of the chain that supplied the value at the path. */
export function placeAt(finding: Finding, locate: Locate): Diagnostic {
  const { at, path, ...said } = finding;
  const where = locate(path, at === "key" ? { key: true } : {});
  return diagnostic(said, { file: where.file, path, range: where.range });
}

/** How headers name the policy: relative to the output directory, so the bytes do not depend on the cwd. */
export function policyLabel(policyFile: string, outDir: string | undefined): string {
  if (!outDir) return policyFile.split(sep).pop() ?? policyFile;
  const rel = relative(resolve(outDir), resolve(policyFile)).split(sep).join("/");
  return rel.startsWith("/") || rel === "" ? (policyFile.split(sep).pop() ?? policyFile) : rel;
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
