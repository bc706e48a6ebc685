import { rename, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { Document, Scalar } from "yaml";
import { parseDistinguishedName } from "../ca/dn.js";
import { readRotationRecord, ROTATION_RECORD_FILE } from "../ca/rotation-record.js";
import type { RecordRead } from "../ca/rotation-record.js";
import { changedFields, deriveRecord } from "../ca/generation-record.js";
import type { ChangedField } from "../ca/generation-record.js";
import { listAuthorities, readAuthority } from "../ca/state.js";
import { specOf } from "../material/load-material.js";
import { compilePolicy, placeFinding } from "../compile.js";
import { CODES } from "../diagnostics/codes.js";
import type { Diagnostic, Finding } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { DiagnosticFormat } from "../diagnostics/format.js";
import { loadPolicy } from "../load/load-policy.js";
import { applyEdits, deletePair, insertCopyAfter, findPair, replaceScalar } from "../load/text-edits.js";
import type { TextEdit } from "../load/text-edits.js";
import type { Authority, Model } from "../model/model.js";
import { suggest } from "../util/suggest.js";
import { EXIT, exitCodeOf, printDiagnostics } from "./common.js";
import type { PolicyTexts } from "./common.js";

/** What `ca rotate` is asked. */
export interface RotateRequest {
  policyFile: string;
  stateDir: string;
  name: string;
  next?: string;
  subject?: string;
  allowUnsafeRotation: boolean;
  format: DiagnosticFormat;
}

/** The phase after each phase, and what the operator waits for before the next step (docs/rotation.md). */
const NEXT_PHASE = { "trust-both": "issue-new", "issue-new": "drop-old" } as const;
const WAIT_FOR: Record<string, string> = {
  "trust-both": "compile and roll out; every trust bundle and the mesh root now carry both roots. Wait until all clients (Knative components, workloads, the mesh) have reloaded them before the next step",
  "issue-new": "compile and roll out; issuers now sign with the new CA. Wait until cert-manager has renewed every certificate (or force renewal with `cmctl renew --all`) and the mesh has rotated workload certificates",
  "drop-old": "compile and roll out; bundles carry only the new root. After a grace period run `ca rotate` once more to finish: references move to the new authority and the old one is removed from the policy",
};

type Plan = { edits: TextEdit[]; message: string } | { finding: Finding };

/**
 * Move a rotation one step by editing the policy text in place, only the lines that change:
 * none → trust-both (a new authority is declared next to the old one) → issue-new → drop-old →
 * finished (references renamed to the new authority, old one and `rotation` removed). A step is
 * taken only from the phase last compiled (`<state>/rotation.json`), and the edited policy must
 * validate before it replaces the file.
 */
export async function rotateAuthority(request: RotateRequest): Promise<number> {
  const groups: Array<{ diagnostics: Diagnostic[]; text: PolicyTexts }> = [];
  const code = await rotateSteps(request, (diagnostics, text) => groups.push({ diagnostics, text }));
  // One report: `--format json` prints a single array, text prints each group with its own frames.
  if (request.format === "text") for (const g of groups) printDiagnostics(g.diagnostics, "text", g.text);
  else printDiagnostics(groups.flatMap((g) => g.diagnostics), request.format, groups[0]?.text);
  return code;
}

async function rotateSteps(request: RotateRequest, report: (diagnostics: Diagnostic[], text: PolicyTexts) => void): Promise<number> {
  const { policyFile, stateDir } = request;
  const compiled = await compilePolicy({ policyFile, stateDir, missingMaterial: "generate", allowUnsafeRotation: request.allowUnsafeRotation });
  // Drift of the authority being rotated is what starting a rotation resolves (MS3007's hint points here):
  // the edited parameters go to the new authority, the old block gets back what its CA was made with.
  const before = { ...compiled, diagnostics: compiled.diagnostics.filter((d) => !(d.code === "MS3007" && d.path[1] === request.name)) };
  report(before.diagnostics, before.sources);
  if (hasErrors(before.diagnostics) || !before.model || before.text === undefined) return exitCodeOf(before.diagnostics) || EXIT.policyErrors;
  const loaded = await loadPolicy(policyFile);
  if (!loaded.value) return EXIT.policyErrors;
  const source = loaded.value.source;
  if (compiled.changes !== undefined) {
    // The edits below are planned on this file's text alone; with `extends`, what they touch may be in a shared base.
    const finding: Finding = { code: "MS1024", message: `${policyFile} extends another policy: ca rotate edits one file in place and cannot move an authority declared across an \`extends\` chain`, path: ["extends"], hint: "edit each phase by hand (docs/rotation.md), or declare the authority, its issuers and `rotation` in this file without a shared base" };
    report([placeFinding(finding, policyFile, source)], before.text);
    return EXIT.policyErrors;
  }
  const text = before.text;
  const doc = parseDocument(text);
  const stored = await listAuthorities(stateDir).catch(() => [] as string[]);
  const rotated = before.model.authorities.find((a) => a.name === request.name);
  const drift = rotated && !before.model.rotation ? await storedChanges(stateDir, rotated) : [];
  const plan = planRotation(before.model, doc, text, await readRotationRecord(stateDir), stored, request, drift);
  if ("finding" in plan) {
    report([placeFinding(plan.finding, policyFile, source)], text);
    return EXIT.policyErrors;
  }
  const edited = applyEdits(text, plan.edits);
  // Validate the edited text as the policy it will become (same directory, same state) before replacing it.
  const temp = join(policyFile, "..", `.${basename(policyFile)}.mesh-security-tmp`);
  await writeFile(temp, edited);
  const check = await compilePolicy({ policyFile: temp, stateDir, missingMaterial: "ignore", allowUnsafeRotation: request.allowUnsafeRotation });
  if (hasErrors(check.diagnostics)) {
    await rm(temp, { force: true });
    const label = `${policyFile} (as ca rotate would write it)`;
    const refused: Diagnostic = { code: "MS2316", severity: CODES.MS2316.severity, message: `ca rotate ${request.name} would write a policy that fails validation; ${policyFile} is unchanged`, file: policyFile, path: [] };
    report([refused, ...check.diagnostics.filter((d) => d.severity === "error").map((d) => ({ ...d, file: label }))], edited);
    return EXIT.policyErrors;
  }
  await rename(temp, policyFile);
  // Generate the new authority's material now, so the next compile only reuses it.
  const after = await compilePolicy({ policyFile, stateDir, missingMaterial: "generate", allowUnsafeRotation: request.allowUnsafeRotation });
  report(after.diagnostics.filter((d) => !before.diagnostics.some((b) => b.code === d.code && b.message === d.message)), after.sources);
  process.stderr.write(`${plan.message}\nnext: mesh-security compile -o <dir>, commit the output and ${join(stateDir, ROTATION_RECORD_FILE)}, roll it out (docs/rotation.md)\n`);
  return hasErrors(after.diagnostics) ? EXIT.policyErrors : EXIT.ok;
}

function planRotation(model: Model, doc: Document, text: string, read: RecordRead, stored: readonly string[], request: RotateRequest, drift: readonly ChangedField[]): Plan {
  const { name } = request;
  const refuse = (code: Finding["code"], message: string, path: readonly (string | number)[], hint?: string): Plan => ({ finding: { code, message, path: [...path], ...(hint ? { hint } : {}) } });
  const authority = model.authorities.find((a) => a.name === name);
  if (!authority) {
    const close = suggest(name, model.authorities.map((a) => a.name));
    return refuse("MS2315", `authority \`${name}\` is not declared`, ["authorities"], close ? `did you mean \`${close}\`?` : "name an entry of `authorities`");
  }
  const rotation = model.rotation;
  const recorded = read.status === "ok" ? read.record : undefined;
  const recordFile = join(request.stateDir, ROTATION_RECORD_FILE);
  if (!rotation) {
    if (authority.source.type !== "generate") {
      return refuse("MS2315", `only generated authorities can be rotated by the compiler; \`${name}\` is ${authority.source.type}`, authority.path, "rotate that CA where it is made, then declare the new one and write the `rotation` section by hand");
    }
    if (recorded && !request.allowUnsafeRotation) {
      return refuse("MS2314", `the end of the rotation of \`${recorded.authority}\` to \`${recorded.next}\` has not been compiled yet (${recordFile} still records phase ${recorded.phase})`, authority.path, "run `mesh-security compile -o <dir>` and roll it out before starting another rotation");
    }
    const taken = new Set([...model.authorities.map((a) => a.name), ...stored]);
    const subject = authority.source.subject;
    const proposed = request.next !== undefined ? { name: request.next, subject: request.subject ?? proposeSubject(subject, request.next) } : proposeNextAuthority(name, subject, taken, new Date());
    if (request.subject !== undefined) proposed.subject = request.subject;
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(proposed.name)) return refuse("MS2315", `--next ${JSON.stringify(proposed.name)} is not a DNS-1123 label`, ["authorities"]);
    if (taken.has(proposed.name)) {
      const where = model.authorities.some((a) => a.name === proposed.name) ? "is declared already" : `still has material in ${request.stateDir}/authorities/`;
      return refuse("MS2315", `the new authority \`${proposed.name}\` ${where}; a rotation needs a fresh one`, ["authorities"], "choose another name with --next");
    }
    const dn = parseDistinguishedName(proposed.subject);
    if ("problem" in dn) return refuse("MS2316", `the subject ${JSON.stringify(proposed.subject)} is not a distinguished name: ${dn.problem}`, [...authority.path, "generate", "subject"]);
    if (proposed.subject.trim().toLowerCase() === subject.trim().toLowerCase()) {
      return refuse("MS2316", `the new authority would have the subject of \`${name}\` (${subject}); two roots with one subject confuse people and chain builders`, [...authority.path, "generate", "subject"], "choose another with --subject");
    }
    const unset = drift.filter((c) => !isScalar(doc.getIn(["authorities", name, "generate", c.field], true)));
    if (unset.length > 0) {
      const wanted = unset.map((c) => `\`${c.field}: ${JSON.stringify(c.stored)}\``).join(", ");
      return refuse("MS2316", `the stored CA of \`${name}\` was generated with ${wanted}, which the policy no longer writes out; ca rotate can only move an edited value to the new authority`, [...authority.path, "generate"], `write ${wanted} back under authorities.${name}.generate, then run ca rotate again (the new authority keeps the default)`);
    }
    const restore = drift.map((c) => replaceScalar(doc.getIn(["authorities", name, "generate", c.field], true) as Scalar, String(c.stored)));
    return { edits: [...restore, ...startEdits(doc, text, name, proposed.name, proposed.subject)], message: `rotation of ${name} started: new authority ${proposed.name} (${proposed.subject}), phase trust-both\n${WAIT_FOR["trust-both"]}` };
  }
  if (request.next !== undefined || request.subject !== undefined) {
    return refuse("MS2315", `--next and --subject only apply when a rotation starts; the rotation of \`${rotation.authority}\` to \`${rotation.next}\` is at phase ${rotation.phase}`, ["rotation"]);
  }
  if (rotation.authority !== name) {
    return refuse("MS2315", `a rotation of \`${rotation.authority}\` to \`${rotation.next}\` is in progress; finish it before rotating \`${name}\``, ["rotation", "authority"], `run \`mesh-security ca rotate ${rotation.authority}\``);
  }
  const compiled = recorded && recorded.authority === rotation.authority && recorded.next === rotation.next && recorded.phase === rotation.phase;
  if (!compiled && !request.allowUnsafeRotation) {
    const state = recorded ? `${recordFile} records ${recorded.authority} → ${recorded.next} at phase ${recorded.phase}` : `${recordFile} records no rotation`;
    return refuse("MS2314", `phase ${rotation.phase} of the rotation of \`${name}\` has not been compiled yet (${state}); moving on now would skip it`, ["rotation", "phase"], `${WAIT_FOR[rotation.phase] ?? ""}; then run \`ca rotate ${name}\` again`);
  }
  const phaseNode = doc.getIn(["rotation", "phase"], true) as Scalar;
  if (rotation.phase !== "drop-old") {
    const phase = NEXT_PHASE[rotation.phase];
    return { edits: [replaceScalar(phaseNode, phase)], message: `rotation of ${name}: phase ${phase}\n${WAIT_FOR[phase] ?? ""}` };
  }
  return {
    edits: finishEdits(doc, text, name, rotation.next),
    message: `rotation of ${name} finished: references now name ${rotation.next}; ${name} and the rotation section were removed (its material stays in ${request.stateDir} until you delete it)`,
  };
}

/** Declare `next` as a copy of `old` (only the name and subject differ) and append the rotation section. */
function startEdits(doc: Document, text: string, old: string, next: string, subject: string): TextEdit[] {
  const authorities = doc.get("authorities", true);
  const pair = findPair(authorities, old);
  if (!isMap(authorities) || !pair || !isScalar(pair.key)) throw new Error(`authorities.${old} not found`);
  const subjectNode = doc.getIn(["authorities", old, "generate", "subject"], true) as Scalar;
  const copy = insertCopyAfter(text, authorities, pair, [replaceScalar(pair.key, next), replaceScalar(subjectNode, subject)]);
  const keyStart = (pair.key.range ?? [0])[0];
  const indent = keyStart - (text.lastIndexOf("\n", keyStart - 1) + 1) || 2;
  const pad = " ".repeat(indent);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lead = text.length === 0 || text.endsWith("\n") ? "" : eol;
  const rotation = `${lead}rotation:${eol}${pad}authority: ${old}${eol}${pad}next: ${next}${eol}${pad}phase: trust-both${eol}`;
  return [copy, { start: text.length, end: text.length, insert: rotation }];
}

/** The fields in which the policy differs from the authority's stored CA (none when nothing is stored). */
async function storedChanges(stateDir: string, authority: Authority): Promise<ChangedField[]> {
  if (authority.source.type !== "generate") return [];
  const stored = await readAuthority(stateDir, authority.name, { withKeys: false });
  if (stored.status !== "ok") return [];
  const { describeCertificate } = await import("../ca/inspect.js");
  const m = stored.material;
  const record = m.record ?? deriveRecord(describeCertificate(m.rootCertPem, new Date()), m.intermediate ? describeCertificate(m.caCertPem, new Date()) : undefined);
  const defaulted = !authority.source.intermediateValidityDaysSet;
  return changedFields(record, specOf(authority)).filter((c) => !(c.field === "intermediateValidityDays" && defaulted));
}

/** Rename every reference from `old` to `next`, then drop `old` and the rotation section. */
function finishEdits(doc: Document, text: string, old: string, next: string): TextEdit[] {
  const edits: TextEdit[] = [];
  const rename = (node: unknown): void => {
    if (isScalar(node) && node.value === old) edits.push(replaceScalar(node, next));
  };
  const issuers = doc.get("issuers", true);
  if (isMap(issuers)) for (const pair of issuers.items) if (isScalar(pair.key)) rename(doc.getIn(["issuers", String(pair.key.value), "ca", "authority"], true));
  rename(doc.getIn(["platform", "serviceMesh", "certificateAuthority"], true));
  const bundle = doc.getIn(["knative", "trustBundle", "authorities"], true);
  if (isSeq(bundle)) bundle.items.forEach(rename);
  const authorities = doc.get("authorities", true);
  const oldPair = findPair(authorities, old);
  if (isMap(authorities) && oldPair) edits.push(deletePair(text, authorities, oldPair));
  const root = doc.contents;
  const rotationPair = findPair(root, "rotation");
  if (isMap(root) && rotationPair) edits.push(deletePair(text, root, rotationPair));
  return edits;
}

const YEAR_SUFFIX = /-(\d{4})(?:-(\d+))?$/;
const CN_SUFFIX = /\s+\d{4}(?:\s+\d+)?$/;

/**
 * The next authority's name and subject: `<stem>-<year>`, then `<stem>-<year>-2`, `-3`, ... past every
 * name declared or stored; the subject's CN gets the same suffix (`… 2026 2`) instead of a second one,
 * and never equals the old subject.
 */
export function proposeNextAuthority(name: string, subject: string, taken: ReadonlySet<string>, now: Date): { name: string; subject: string } {
  const year = now.getUTCFullYear();
  const match = YEAR_SUFFIX.exec(name);
  const stem = match ? name.slice(0, match.index) : name;
  let counter = match && Number(match[1]) === year ? Number(match[2] ?? 1) + 1 : 1;
  for (;; counter++) {
    const candidate = `${stem}-${year}${counter > 1 ? `-${counter}` : ""}`;
    const candidateSubject = proposeSubject(subject, candidate);
    if (!taken.has(candidate) && candidateSubject.trim().toLowerCase() !== subject.trim().toLowerCase()) return { name: candidate, subject: candidateSubject };
  }
}

/** The old subject with its CN's year suffix replaced by the one of `next` (or `next` itself without one). */
export function proposeSubject(subject: string, next: string): string {
  const match = YEAR_SUFFIX.exec(next);
  const suffix = match ? `${match[1]}${match[2] ? ` ${match[2]}` : ""}` : next;
  const cn = /(^|,)(\s*CN=)((?:\\.|[^,\\])+)/i.exec(subject);
  if (!cn) return `CN=${next},${subject}`;
  const value = (cn[3] ?? "").replace(CN_SUFFIX, "");
  const start = cn.index + (cn[1] ?? "").length + (cn[2] ?? "").length;
  return `${subject.slice(0, start)}${value} ${suffix}${subject.slice(start + (cn[3] ?? "").length)}`;
}
