import { compilePolicy } from "../compile.js";
import type { CompileResult } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Renderer } from "../render/render.js";
import type { AuthorityMaterialView } from "../targets/target.js";
import { STATE_FILES } from "../ca/state.js";
import { loadPolicyChain, withRootText } from "../load/extends.js";
import { classifyFiles } from "../verify/manifests.js";
import { verifyTree } from "../verify/verify.js";
import type { ChangeClass } from "./classify.js";
import { compareObjects } from "./objects.js";
import type { ObjectChange } from "./objects.js";
import { compareVerified, compareWire } from "./compare.js";
import type { Change, GraphEdge } from "./compare.js";
import { buildWireModel } from "./facts.js";
import type { DiffSide } from "./side.js";

/** What `diff` found: the JSON document of DESIGN.md, plus the graph the HTML draws. */
export interface DiffReport {
  base: string;
  head: string;
  changes: Change[];
  objects: ObjectChange[];
  diagnostics: Diagnostic[];
  /** Paths for the HTML graph (not part of the JSON document). */
  edges: GraphEdge[];
  /** Policy texts by diagnostic file name, for code frames. */
  sources: Map<string, string>;
}

/** The CA state directory a side's public material is read from, relative to its policy. */
export const DIFF_STATE_DIR = ".mesh-security";

/** Compile both sides in memory and compare them: paths and subjects first, then objects. Writes nothing. */
export async function diffSides(base: DiffSide, head: DiffSide, options: { renderer?: Renderer; verify?: boolean } = {}): Promise<DiffReport> {
  const renderer = options.renderer ?? new (await import("../render/render.js")).Renderer();
  const [b, a] = [await compileSide(base, renderer), await compileSide(head, renderer)];
  // Every file read on either side (the policies and their `extends` chains), for code frames.
  const sources = new Map([...b.result.sources, ...a.result.sources]);
  // The base's warnings are what the reviewer already has; its errors still stop the comparison.
  const diagnostics = [...b.result.diagnostics.filter((d) => d.severity === "error"), ...a.result.diagnostics];
  const empty = { base: base.spec, head: head.spec, changes: [], objects: [], edges: [], sources };
  if (hasErrors(diagnostics) || !b.result.model || !a.result.model) return { ...empty, diagnostics };
  const wire = compareWire(buildWireModel(b.result.model, b.material), buildWireModel(a.result.model, a.material));
  // verify re-reads every output file (seconds for 1,000 services), so it is asked for: --verify.
  const verified = options.verify ? compareVerified(verifiedPaths(b.result), verifiedPaths(a.result)) : [];
  return { ...empty, changes: [...wire.changes, ...verified], objects: compareObjects(b.result.tree, a.result.tree), edges: wire.edges, diagnostics };
}

async function compileSide(side: DiffSide, renderer: Renderer): Promise<{ result: CompileResult; material: Map<string, AuthorityMaterialView> }> {
  const material = await readPublicMaterial(side);
  const result = await compilePolicy({ policyFile: side.file, text: side.text, files: side.files, authorities: material, missingMaterial: "ignore", renderer });
  return { result, material };
}

/**
 * The committed public material of each generated authority (root, signing CA, chain), read through the
 * side's reader: never a key, never a write. A name that is not a DNS label is skipped (the policy is
 * reported by validation anyway); an authority without material is compared by its parameters only.
 */
async function readPublicMaterial(side: DiffSide): Promise<Map<string, AuthorityMaterialView>> {
  const names = await generatedAuthorities(side);
  const material = new Map<string, AuthorityMaterialView>();
  for (const name of names) {
    const dir = `${DIFF_STATE_DIR}/authorities/${name}`;
    const root = await side.readRelative(`${dir}/${STATE_FILES.rootCert}`);
    if (root === undefined) continue;
    const ca = await side.readRelative(`${dir}/${STATE_FILES.caCert}`);
    const chain = await side.readRelative(`${dir}/${STATE_FILES.certChain}`);
    if (ca === undefined || chain === undefined) continue;
    material.set(name, { name, rootCertPem: root, caCertPem: ca, certChainPem: chain, keysAbsent: true });
  }
  return material;
}

/** Names of the authorities a policy generates, its `extends` chain merged (only those have material in a state directory). */
async function generatedAuthorities(side: DiffSide): Promise<string[]> {
  const loaded = await loadPolicyChain(side.file, withRootText(side.file, side.text, side.files));
  const authorities = (loaded.value?.data as { authorities?: unknown } | null | undefined)?.authorities;
  if (typeof authorities !== "object" || authorities === null) return [];
  return Object.entries(authorities)
    .filter(([name, value]) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name) && typeof value === "object" && value !== null && "generate" in value)
    .map(([name]) => name)
    .sort();
}

function verifiedPaths(result: CompileResult): ReturnType<typeof verifyTree>["paths"] {
  if (!result.tree) return [];
  return verifyTree(result.tree.files, classifyFiles(result.tree.secretFiles, "secrets")).paths;
}

/** True when some change carries the class `--fail-on` names (`any`: any change at all). */
export function failsOn(report: Pick<DiffReport, "changes">, failOn: "weakening" | "any" | "never"): boolean {
  if (failOn === "never") return false;
  if (failOn === "any") return report.changes.length > 0;
  return report.changes.some((c) => c.class.includes("weakening"));
}

/** Weakening and disruptive changes come first everywhere a reviewer reads them. */
export function isAlarming(change: Pick<Change, "class">): boolean {
  return change.class.some((c: ChangeClass) => c === "weakening" || c === "disruptive");
}

/** Counts per class, for summary lines. */
export function countClasses(changes: readonly Change[]): Record<ChangeClass, number> {
  const counts: Record<ChangeClass, number> = { weakening: 0, disruptive: 0, strengthening: 0, neutral: 0 };
  for (const c of changes) for (const k of c.class) counts[k] += 1;
  return counts;
}
