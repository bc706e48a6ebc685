import { join } from "node:path";
import { isMap, isScalar, isSeq } from "yaml";
import type { Document, Scalar } from "yaml";
import type { Finding } from "../diagnostics/diagnostic.js";
import { deletePair, findPair, insertCopyAfter, replaceScalar } from "../load/text-edits.js";
import type { TextEdit } from "../load/text-edits.js";
import type { Model } from "../model/model.js";
import { FIRST_PHASE, nextPhase, phaseGuidance } from "../model/rotation-phases.js";
import { suggest } from "../util/suggest.js";
import { parseDistinguishedName } from "./dn.js";
import type { ChangedField } from "./generation-record.js";
import { ROTATION_RECORD_FILE } from "./rotation-record.js";
import type { RecordRead } from "./rotation-record.js";
import { isAuthorityName, proposeNextAuthority, proposeSubject } from "./rotation-naming.js";

// The rotation planner of `ca rotate` (docs/rotation.md): from the policy, its parsed text and the
// state directory's record, the text edits that move a rotation one step, or the finding that
// refuses it. The command (src/commands/ca-rotate.ts) reads, validates and writes.

/** What a rotation step is asked. */
export interface RotationRequest {
  stateDir: string;
  name: string;
  next?: string;
  subject?: string;
  allowUnsafeRotation: boolean;
}

/** The edits of one step and what to tell the operator, or why the step is refused. */
export type RotationPlan = { edits: TextEdit[]; message: string } | { finding: Finding };

/**
 * One step of the rotation of `request.name`: none → trust-both (a new authority is declared next to
 * the old one) → issue-new → drop-old → finished (references renamed to the new authority, old one
 * and `rotation` removed). A step is taken only from the phase last compiled (`read`), unless unsafe.
 */
export function planRotation(model: Model, doc: Document, text: string, read: RecordRead, stored: readonly string[], request: RotationRequest, drift: readonly ChangedField[]): RotationPlan {
  const { name } = request;
  const refuse = (code: Finding["code"], message: string, path: readonly (string | number)[], hint?: string): RotationPlan => ({ finding: { code, message, path: [...path], ...(hint ? { hint } : {}) } });
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
    if (!isAuthorityName(proposed.name)) return refuse("MS2315", `--next ${JSON.stringify(proposed.name)} is not a DNS-1123 label`, ["authorities"]);
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
    return { edits: [...restore, ...startEdits(doc, text, name, proposed.name, proposed.subject)], message: `rotation of ${name} started: new authority ${proposed.name} (${proposed.subject}), phase ${FIRST_PHASE}\n${phaseGuidance(FIRST_PHASE, name, proposed.name)}` };
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
    return refuse("MS2314", `phase ${rotation.phase} of the rotation of \`${name}\` has not been compiled yet (${state}); moving on now would skip it`, ["rotation", "phase"], `run \`mesh-security compile -o <dir>\` and roll it out: ${phaseGuidance(rotation.phase, name, rotation.next)}`);
  }
  const phaseNode = doc.getIn(["rotation", "phase"], true) as Scalar;
  const phase = nextPhase(rotation.phase);
  if (phase !== "finished") {
    return { edits: [replaceScalar(phaseNode, phase)], message: `rotation of ${name}: phase ${phase}\n${phaseGuidance(phase, name, rotation.next)}` };
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
  const rotation = `${lead}rotation:${eol}${pad}authority: ${old}${eol}${pad}next: ${next}${eol}${pad}phase: ${FIRST_PHASE}${eol}`;
  return [copy, { start: text.length, end: text.length, insert: rotation }];
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
