import { join } from "node:path";
import { isMap, isScalar, isSeq } from "yaml";
import type { Document, Scalar } from "yaml";
import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { Said } from "../diagnostics/messages.js";
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
  const refuse = (said: Said, path: readonly (string | number)[]): RotationPlan => ({ finding: { ...said, path: [...path] } });
  const authority = model.authorities.find((a) => a.name === name);
  if (!authority) {
    const close = suggest(name, model.authorities.map((a) => a.name));
    return refuse(say.MS2315({ undeclared: name, nearest: close }), ["authorities"]);
  }
  const rotation = model.rotation;
  const recorded = read.status === "ok" ? read.record : undefined;
  const recordFile = join(request.stateDir, ROTATION_RECORD_FILE);
  if (!rotation) {
    if (authority.source.type !== "generate") {
      return refuse(say.MS2315({ notGenerated: name, type: authority.source.type }), authority.path);
    }
    if (recorded && !request.allowUnsafeRotation) {
      return refuse(say.MS2314({ unfinished: recorded, file: recordFile }), authority.path);
    }
    const taken = new Set([...model.authorities.map((a) => a.name), ...stored]);
    const subject = authority.source.subject;
    const proposed = request.next !== undefined ? { name: request.next, subject: request.subject ?? proposeSubject(subject, request.next) } : proposeNextAuthority(name, subject, taken, new Date());
    if (request.subject !== undefined) proposed.subject = request.subject;
    if (!isAuthorityName(proposed.name)) return refuse(say.MS2315({ badNext: proposed.name }), ["authorities"]);
    if (taken.has(proposed.name)) {
      const declared = model.authorities.some((a) => a.name === proposed.name);
      return refuse(say.MS2315({ taken: proposed.name, stateDir: declared ? undefined : request.stateDir }), ["authorities"]);
    }
    const dn = parseDistinguishedName(proposed.subject);
    if ("problem" in dn) return refuse(say.MS2316({ subject: proposed.subject, problem: dn.problem }), [...authority.path, "generate", "subject"]);
    if (proposed.subject.trim().toLowerCase() === subject.trim().toLowerCase()) {
      return refuse(say.MS2316({ sameSubject: subject, authority: name }), [...authority.path, "generate", "subject"]);
    }
    const unset = drift.filter((c) => !isScalar(doc.getIn(["authorities", name, "generate", c.field], true)));
    if (unset.length > 0) return refuse(say.MS2316({ authority: name, unwritten: unset }), [...authority.path, "generate"]);
    const restore = drift.map((c) => replaceScalar(doc.getIn(["authorities", name, "generate", c.field], true) as Scalar, String(c.stored)));
    return { edits: [...restore, ...startEdits(doc, text, name, proposed.name, proposed.subject)], message: `rotation of ${name} started: new authority ${proposed.name} (${proposed.subject}), phase ${FIRST_PHASE}\n${phaseGuidance(FIRST_PHASE, name, proposed.name)}` };
  }
  if (request.next !== undefined || request.subject !== undefined) {
    return refuse(say.MS2315({ startOnly: rotation }), ["rotation"]);
  }
  if (rotation.authority !== name) {
    return refuse(say.MS2315({ busy: rotation, name }), ["rotation", "authority"]);
  }
  const compiled = recorded && recorded.authority === rotation.authority && recorded.next === rotation.next && recorded.phase === rotation.phase;
  if (!compiled && !request.allowUnsafeRotation) {
    return refuse(say.MS2314({ rotation, file: recordFile, recorded, guidance: phaseGuidance(rotation.phase, name, rotation.next) }), ["rotation", "phase"]);
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
