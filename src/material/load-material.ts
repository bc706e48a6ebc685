import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { RootWitness } from "../diagnostics/messages.js";
import type { Authority, Model } from "../model/model.js";
import type { AuthoritySpec } from "../ca/generate.js";
import type { CertificateInfo } from "../ca/inspect.js";
import { changedFields, deriveRecord, recordConflicts, recordOf } from "../ca/generation-record.js";
import type { GenerationRecord } from "../ca/generation-record.js";
import { readAuthority, writeAuthority } from "../ca/state.js";
import type { AuthorityMaterial, KeyReading } from "../ca/state.js";
import { withStateLock } from "../ca/state-lock.js";
import { certificateValidity } from "../ca/validity.js";
import { keyStrengthBits, withinRotationWindow } from "../ca/rotation-window.js";
import type { AuthorityMaterialView } from "../plan/authority-material.js";
import { readRotationRecord, fingerprintRoot } from "../ca/rotation-record.js";
import type { RotationRecord } from "../ca/rotation-record.js";
import { checkRotationStep, pinRoots, findRootsInOutput } from "./rotation-steps.js";

type Validity = Pick<CertificateInfo, "notBefore" | "notAfter" | "daysLeft">;

/** What to do about generated authorities whose material is not in the state directory yet. */
export type MissingMaterial = "generate" | "report" | "ignore";

export interface MaterialOptions {
  stateDir: string;
  /** Private keys are read only when Secrets will be written; `if-present` tolerates a clone without `private/`. */
  withKeys: KeyReading;
  missing: MissingMaterial;
  now: Date;
  /** Let a rotation skip a phase, go back or be replaced (MS2313 instead of MS2312). */
  allowUnsafeRotation?: boolean;
  /** Objects of the previous output: its trust bundles witness which roots were distributed. */
  previous?: ReadonlyMap<string, Record<string, unknown>>;
}

/** What loading found, and the rotation record a successful compile should leave (see rotation-steps.ts). */
export interface LoadedMaterial {
  authorities: Map<string, AuthorityMaterialView>;
  findings: Finding[];
  generated: string[];
  /** Authorities stored without a generation record, with the record read from their certificates (for `ca init`). */
  unrecorded: Map<string, GenerationRecord>;
  /** null: remove the record; undefined: leave it as it is. */
  rotationRecord: RotationRecord | null | undefined;
}

/**
 * Load (and, on first use, generate) the CA material of every generated authority. Existing material
 * is always reused, so output stays byte-stable; material that is present but broken (a key missing,
 * a key that does not match) is an error, never a reason to issue a new CA.
 */
export async function loadMaterial(model: Model, options: MaterialOptions): Promise<LoadedMaterial> {
  const authorities = new Map<string, AuthorityMaterialView>();
  const findings: Finding[] = [];
  const generated: string[] = [];
  const unrecorded = new Map<string, GenerationRecord>();
  const read = await readRotationRecord(options.stateDir);
  if (read.status === "broken") findings.push({ ...read.said, path: model.rotation ? ["rotation"] : [] });
  const step = read.status === "broken" ? { findings: [], record: undefined } : checkRotationStep(model, read, options.stateDir, options.allowUnsafeRotation === true, options.previous);
  findings.push(...step.findings);
  // Roots a rotation has put into trust bundles: their material must never be replaced.
  const recorded = read.status === "ok" ? read.record.roots : {};
  const pins: Record<string, string> = { ...findRootsInOutput(model, options.previous), ...recorded };
  const witness = (name: string): RootWitness => (name in recorded ? "recorded" : "output");
  const wanted = model.authorities.filter((a) => a.source.type === "generate");
  const done = (): LoadedMaterial => {
    const previous = read.status === "ok" ? read.record : undefined;
    const rotationRecord = step.record ? pinRoots(step.record, previous, authorities) : step.record;
    return { authorities, findings, generated, unrecorded, rotationRecord };
  };
  if (wanted.length === 0) return done();
  for (const authority of wanted) {
    let stored = await readAuthority(options.stateDir, authority.name, { withKeys: options.withKeys });
    const pinned = pins[authority.name];
    if (stored.status === "missing" && pinned !== undefined) {
      findings.push({ ...say.MS3021(authority.name, options.stateDir, pinned, witness(authority.name)), path: [...authority.path] });
      continue;
    }
    if (stored.status === "missing") {
      if (options.missing === "ignore") continue;
      if (options.missing === "report") {
        findings.push({ ...say.MS3006(authority.name, options.stateDir), path: [...authority.path] });
        continue;
      }
      try {
        // Under the state lock, and only if no concurrent compile generated it meanwhile: a CA is generated once.
        const made = await withStateLock(options.stateDir, async () => {
          if ((await readAuthority(options.stateDir, authority.name, { withKeys: false })).status !== "missing") return false;
          const spec = specOf(authority);
          // @peculiar/x509 (and reflect-metadata) cost hundreds of milliseconds to load: only when a CA is made.
          const { generateAuthority } = await import("../ca/generate.js");
          await writeAuthority(options.stateDir, authority.name, await generateAuthority(spec, options.now), recordOf(spec));
          return true;
        });
        if (made) generated.push(authority.name);
      } catch (error) {
        const errno = (error as NodeJS.ErrnoException).code;
        // A file-system failure (no space, permissions, read-only) is I/O (exit 4), not a policy problem.
        // Node's system errors carry an errno name in `code` (E + capitals: ENOSPC, EACCES, EROFS; nodejs
        // lib/internal/errors.js uvException); its own errors have ERR_* codes, which are not I/O.
        if (typeof errno === "string" && /^E[A-Z]+$/.test(errno)) {
          findings.push({ ...say.MS3023(authority.name, options.stateDir, errno, error instanceof Error ? error.message : errno), path: [...authority.path] });
        } else findings.push({ ...say.MS3005(authority.name, error instanceof Error ? error.message : String(error)), path: [...authority.path] });
        continue;
      }
      stored = await readAuthority(options.stateDir, authority.name, { withKeys: options.withKeys });
    }
    if (stored.status === "broken") {
      findings.push({ ...stored.said, path: [...authority.path] });
      continue;
    }
    if (stored.status !== "ok") continue;
    const m = stored.material;
    if (pinned !== undefined && fingerprintRoot(m.rootCertPem) !== pinned) {
      findings.push({ ...say.MS3020(authority.name, options.stateDir, fingerprintRoot(m.rootCertPem), pinned, witness(authority.name)), path: [...authority.path] });
      continue;
    }
    // Likewise only when there are stored certificates to describe (validate of a fresh clone has none).
    const { describeCertificate } = await import("../ca/inspect.js");
    const drift = driftFindings(authority, m, describeCertificate);
    findings.push(...drift.findings);
    if (drift.unrecorded) unrecorded.set(authority.name, drift.unrecorded);
    // Drifted material is not used: no Secret, bundle or mesh root from a CA the policy no longer describes.
    if (drift.findings.some((f) => f.code === "MS3007" || f.code === "MS3008")) continue;
    authorities.set(authority.name, {
      name: authority.name,
      rootCertPem: m.rootCertPem,
      caCertPem: m.caCertPem,
      certChainPem: m.certChainPem,
      ...(m.caKeyPem ? { caKeyPem: m.caKeyPem } : {}),
      ...(m.rootKeyPem ? { rootKeyPem: m.rootKeyPem } : {}),
      ...(m.keysAbsent ? { keysAbsent: true } : {}),
    });
    findings.push(...expiryFindings(authority, certificateValidity(m.rootCertPem, options.now), certificateValidity(m.caCertPem, options.now)));
    findings.push(...strengthFindings(model, authority));
  }
  return done();
}

type Describe = typeof import("../ca/inspect.js").describeCertificate;

/**
 * Compare the stored CA with the policy: the generation record (or, for material older than records,
 * what the certificates say) against the `generate` block. One MS3007 per changed field, at the field.
 */
function driftFindings(authority: Authority, m: AuthorityMaterial, describe: Describe): { findings: Finding[]; unrecorded?: GenerationRecord } {
  const base = [...authority.path, "generate"];
  const now = new Date(0);
  const fromCertificates = deriveRecord(describe(m.rootCertPem, now), m.intermediate ? describe(m.caCertPem, now) : undefined);
  const findings: Finding[] = [];
  let unrecorded: GenerationRecord | undefined;
  let record = m.record;
  if (record) {
    const conflicts = recordConflicts(record, fromCertificates);
    if (conflicts.length > 0) {
      return { findings: [{ ...say.MS3008(authority.name, { conflicts }), path: [...authority.path] }] };
    }
  } else {
    record = unrecorded = fromCertificates;
    findings.push({ ...say.MS2308(authority.name), path: [...authority.path] });
  }
  const spec = specOf(authority);
  const g = authority.source.type === "generate" ? authority.source : undefined;
  for (const change of changedFields(record, spec)) {
    // A defaulted intermediate validity is whatever the material was made with (the default changed).
    if (change.field === "intermediateValidityDays" && g && !g.intermediateValidityDaysSet) {
      const days = Number(change.stored);
      if (days <= record.validityDays / 2) {
        findings.push({ ...say.MS2307(authority.name, days, record.validityDays, true), path: [...base, "intermediate"] });
      }
      continue;
    }
    findings.push({ ...say.MS3007(authority.name, change.field, change.policy, change.stored), path: [...base, change.field] });
  }
  return { findings, ...(unrecorded && !findings.some((f) => f.code === "MS3007") ? { unrecorded } : {}) };
}

/** The generation spec of a generated authority. */
export function specOf(authority: Authority): AuthoritySpec {
  if (authority.source.type !== "generate") throw new Error(`authority ${authority.name} is not generated`);
  const g = authority.source;
  return { name: authority.name, keyAlgorithm: g.keyAlgorithm, subject: g.subject, validityDays: g.validityDays, intermediate: g.intermediate, intermediateValidityDays: g.intermediateValidityDays };
}

/**
 * Service CA practice (26 months, rotated with 13 left): an authority inside the last half of its
 * validity should be rotated now.
 */
function expiryFindings(authority: Authority, root: Validity, ca: Validity): Finding[] {
  for (const [label, info] of [["root", root], ["signing CA", ca]] as const) {
    const validityDays = (Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000;
    if (withinRotationWindow(info, validityDays)) {
      return [{ ...say.MS2301(authority.name, label, info.daysLeft, Math.round(validityDays)), path: [...authority.path] }];
    }
  }
  return [];
}

/** Mozilla modern (5.8) certificates are ECDSA P-256: 128-bit strength. */
function strengthFindings(model: Model, authority: Authority): Finding[] {
  if (authority.source.type !== "generate" || model.tls.profile !== "modern") return [];
  const bits = keyStrengthBits(authority.source.keyAlgorithm);
  if (bits >= 128) return [];
  return [{ ...say.MS2302(authority.name, authority.source.keyAlgorithm, bits), path: [...authority.path, "generate", "keyAlgorithm"] }];
}
