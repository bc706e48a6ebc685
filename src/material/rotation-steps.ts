import { join } from "node:path";
import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { RotationBreakage, RotationMisstep } from "../diagnostics/messages.js";
import type { Model } from "../model/model.js";
import { authoritySecret } from "../model/names.js";
import { ROTATION_RECORD_FILE, fingerprintRoot } from "../ca/rotation-record.js";
import { PHASES, ROTATION_PHASES } from "../model/rotation-phases.js";
import type { RecordRead, RotationRecord } from "../ca/rotation-record.js";
import { TRUST_BUNDLE_LABEL } from "../plan/authority-material.js";
import type { AuthorityMaterialView } from "../plan/authority-material.js";
import { compareText } from "../util/compare.js";

// A rotation is a line of five states: before it (0), its three phases (1-3), finished (4: the old
// authority has left the policy). Each compile may move one state forward from the one last compiled,
// because clients hold the trust bundles of the last rollout while certificates of the new one appear.

type Step = 0 | 1 | 2 | 3 | 4;
const STEP_NAMES: readonly string[] = ["before the rotation", ...PHASES, "finished"];

interface Stage {
  step: Step;
  authority: string;
  next: string;
}

/** The phase of a stage's step, if it is one of the three. */
const phaseAt = (s: Stage): (typeof ROTATION_PHASES)[number] | undefined => ROTATION_PHASES[s.step - 1];
/** The authority whose key signs leaves in a stage (names.ts signingAuthorityName). */
const signerOf = (s: Stage): string => (s.step === 0 ? s.authority : s.step === 4 ? s.next : phaseAt(s)?.signer === "next" ? s.next : s.authority);
/** The roots the stage's trust bundles carry (names.ts trustedAuthorityNames). */
const trustedIn = (s: Stage): string[] => (s.step === 0 ? [s.authority] : s.step === 4 || phaseAt(s)?.trusts === "next" ? [s.next] : [s.authority, s.next]);
const label = (s: Stage): string => (s.step >= 1 && s.step <= 3 ? `phase ${STEP_NAMES[s.step]}` : (STEP_NAMES[s.step] as string));

/** The outcome of comparing the policy's rotation with the recorded one. */
/** What the rotation checks read back from the previous output: its trust bundles and CA issuers witness the phase. */
export const ROTATION_PREVIOUS_KINDS: readonly string[] = ["ConfigMap", "ClusterIssuer", "Issuer"];

export interface RotationStep {
  findings: Finding[];
  /** The record a successful compile leaves behind: null to remove it, undefined when nothing may be written. */
  record: RotationRecord | null | undefined;
}

/**
 * Check that the policy's rotation is the recorded one or exactly one step past it. A skip, a step
 * back, a dropped or replaced rotation is MS2312, or with `allowUnsafe` the warning MS2313 that
 * says which leaves which clients will reject.
 */
export function checkRotationStep(model: Model, read: RecordRead, stateDir: string, allowUnsafe: boolean, previous?: ReadonlyMap<string, Record<string, unknown>>): RotationStep {
  const file = join(stateDir, ROTATION_RECORD_FILE);
  const recorded = read.status === "ok" ? read.record : undefined;
  const r = model.rotation;
  const declared = (name: string): boolean => model.authorities.some((a) => a.name === name);
  // Without a record, the previous output (when there is one) shows what was rolled out.
  const shown = !recorded && r ? readStepFromOutput(model, previous) : undefined;
  const from: Stage | undefined = recorded
    ? { step: (PHASES.indexOf(recorded.phase) + 1) as Step, authority: recorded.authority, next: recorded.next }
    : r
      ? { step: shown ?? 0, authority: r.authority, next: r.next }
      : undefined;
  const to: Stage | undefined = r
    ? { step: (PHASES.indexOf(r.phase) + 1) as Step, authority: r.authority, next: r.next }
    : recorded
      ? { step: !declared(recorded.authority) && declared(recorded.next) ? 4 : 0, authority: recorded.authority, next: recorded.next }
      : undefined;
  if (!from || !to) return { findings: [], record: null };

  const history: RotationMisstep["history"] = recorded ? { recorded: label(from), file } : shown !== undefined ? { shown: label(from), file } : { never: true, file };
  let misstep: RotationMisstep | undefined;
  if (recorded && r && (recorded.authority !== r.authority || recorded.next !== r.next)) {
    misstep = { history, replaced: r, recorded };
  } else if (to.step - from.step > 1) {
    misstep = { history, skips: STEP_NAMES.slice(from.step + 1, to.step), authority: to.authority, next: to.next, at: label(to), first: STEP_NAMES[from.step + 1] ?? "", setPhase: r !== undefined };
  } else if (to.step < from.step) {
    const restore = from.step >= 1 && from.step <= 3 ? { authority: from.authority, next: from.next, phase: STEP_NAMES[from.step] ?? "" } : undefined;
    misstep = { history, back: to, at: to.step === 0 ? undefined : label(to), putBack: label(from), restore };
  }
  const path = r ? ["rotation", ...(recorded && (recorded.authority !== r.authority || recorded.next !== r.next) ? [] : ["phase"])] : [...(model.authorities.find((a) => a.name === to.authority)?.path ?? [])];
  const findings: Finding[] = [];
  if (misstep) {
    if (!allowUnsafe) return { findings: [{ ...say.MS2312(misstep), path }], record: undefined };
    findings.push({ ...say.MS2313(misstep, describeBreakage(from, to)), path });
  }
  return { findings, record: r ? { authority: r.authority, next: r.next, phase: r.phase, roots: {} } : null };
}

/** Which leaves, signed before or after the step, the trust bundles of either side reject. */
function describeBreakage(from: Stage, to: Stage): RotationBreakage {
  const rejected: Array<RotationBreakage["rejected"][number]> = [];
  for (const signer of new Set([signerOf(from), signerOf(to)])) {
    for (const side of [from, to]) {
      const trusted = trustedIn(side);
      if (!trusted.includes(signer)) rejected.push({ side: label(side), trusted, signer });
    }
  }
  // With nothing rejected, leaves of the new authority signed since issue-new (step 2) stay in use.
  return { rejected, stillSigned: rejected.length === 0 && Math.max(from.step, to.step) >= 2 ? to.next : undefined };
}

/**
 * The pins of a record: the roots to write for the compiled rotation, keeping those recorded before
 * (an old root leaves the bundles at drop-old but stays pinned until the rotation is finished).
 */
export function pinRoots(record: RotationRecord, previous: RotationRecord | undefined, authorities: ReadonlyMap<string, AuthorityMaterialView>): RotationRecord {
  const same = previous && previous.authority === record.authority && previous.next === record.next;
  const roots: Record<string, string> = same ? { ...previous.roots } : {};
  for (const name of [record.authority, record.next]) {
    const material = authorities.get(name);
    if (material) roots[name] = fingerprintRoot(material.rootCertPem);
  }
  return { ...record, roots };
}

/**
 * The roots of the rotating authorities that the previous output's trust-bundle ConfigMaps carry
 * (knative.ts writes one key `<authority>.pem` per root): a second witness of what was distributed,
 * should rotation.json be lost with the rest of the state.
 */
export function findRootsInOutput(model: Model, previous: ReadonlyMap<string, Record<string, unknown>> | undefined): Record<string, string> {
  const r = model.rotation;
  const roots: Record<string, string> = {};
  if (!r || !previous) return roots;
  for (const key of [...previous.keys()].sort(compareText)) {
    const object = previous.get(key);
    const labels = (object?.["metadata"] as { labels?: Record<string, unknown> } | undefined)?.labels;
    if (!key.startsWith("ConfigMap/") || labels?.[TRUST_BUNDLE_LABEL] !== "true") continue;
    const data = (object?.["data"] ?? {}) as Record<string, unknown>;
    for (const name of [r.authority, r.next]) {
      const pem = data[`${name}.pem`];
      if (typeof pem !== "string" || roots[name] !== undefined) continue;
      try {
        roots[name] = fingerprintRoot(pem);
      } catch {
        // not a certificate: nothing to pin
      }
    }
  }
  return roots;
}

/**
 * The step the previous output shows for the policy's rotation, from what it distributed: the roots
 * in its trust-bundle ConfigMaps (knative.ts, one key `<authority>.pem` each) and the Secret its CA
 * issuers sign from (cert-manager-issuers.ts). Undefined when the output says nothing either way.
 */
export function readStepFromOutput(model: Model, previous: ReadonlyMap<string, Record<string, unknown>> | undefined): Step | undefined {
  const r = model.rotation;
  if (!r || !previous || previous.size === 0) return undefined;
  const roots = findRootsInOutput(model, previous);
  const trusts = [r.authority, r.next].filter((name) => roots[name] !== undefined);
  const secretOf = (name: string): string | undefined => {
    const authority = model.authorities.find((a) => a.name === name);
    return authority ? authoritySecret(model, authority).name : undefined;
  };
  let signer: string | undefined;
  for (const issuer of model.issuers) {
    if (issuer.spec.type !== "ca" || issuer.spec.authority !== r.authority) continue;
    const object = previous.get(`${issuer.ref.kind}/${issuer.namespace ?? ""}/${issuer.name}`);
    const secretName = (object?.["spec"] as { ca?: { secretName?: unknown } } | undefined)?.ca?.secretName;
    if (secretName === secretOf(r.next)) signer = r.next;
    else if (secretName === secretOf(r.authority)) signer = signer ?? r.authority;
  }
  const both = trusts.length === 2;
  if (both) return signer === r.next ? 2 : 1;
  if (trusts.length === 1) return trusts[0] === r.next ? 3 : 0;
  if (signer === r.next) return 2;
  return signer === r.authority ? 0 : undefined;
}
