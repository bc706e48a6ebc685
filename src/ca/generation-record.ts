import type { AuthoritySpec } from "./generate.js";
import { parseDistinguishedName } from "./dn.js";
import type { DnAttribute } from "./dn.js";
import type { CertificateInfo } from "./inspect.js";

/** The public file, beside an authority's certificates, recording what it was generated from. */
export const GENERATION_RECORD = "generation.json";

/**
 * The parameters an authority was generated from. Public (no key material), deterministic (no
 * timestamp, fixed key order) and committed with the certificates, so a clone can tell whether the
 * policy still describes the stored CA.
 */
export interface GenerationRecord {
  keyAlgorithm: string;
  /** RFC 4514, as written in the policy when it was generated. */
  subject: string;
  validityDays: number;
  intermediate: boolean;
  /** Only with an intermediate. */
  intermediateValidityDays?: number;
  /** The root's BasicConstraints pathLenConstraint: 1 with an intermediate, 0 without. */
  pathLength: number;
}

/** The record of material generated for `spec`. */
export function recordOf(spec: AuthoritySpec): GenerationRecord {
  return {
    keyAlgorithm: spec.keyAlgorithm,
    subject: spec.subject,
    validityDays: spec.validityDays,
    intermediate: spec.intermediate,
    ...(spec.intermediate ? { intermediateValidityDays: spec.intermediateValidityDays } : {}),
    pathLength: spec.intermediate ? 1 : 0,
  };
}

/** The file's text: one key per line in a fixed order, LF, final newline. */
export function formatRecord(record: GenerationRecord): string {
  const ordered = {
    generator: "mesh-security",
    version: 1,
    keyAlgorithm: record.keyAlgorithm,
    subject: record.subject,
    validityDays: record.validityDays,
    intermediate: record.intermediate,
    ...(record.intermediateValidityDays !== undefined ? { intermediateValidityDays: record.intermediateValidityDays } : {}),
    pathLength: record.pathLength,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Parse the file; a string says what is wrong with it. */
export function parseRecord(text: string): GenerationRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "is not valid JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not a JSON object";
  const v = value as Record<string, unknown>;
  if (v["generator"] !== "mesh-security" || v["version"] !== 1) return 'lacks "generator": "mesh-security" and "version": 1';
  const wholeDays = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 1;
  if (typeof v["keyAlgorithm"] !== "string") return "has no keyAlgorithm";
  if (typeof v["subject"] !== "string") return "has no subject";
  if (!wholeDays(v["validityDays"])) return "has no validityDays";
  if (typeof v["intermediate"] !== "boolean") return "has no intermediate";
  if (v["intermediate"] === true && !wholeDays(v["intermediateValidityDays"])) return "has no intermediateValidityDays";
  if (v["pathLength"] !== 0 && v["pathLength"] !== 1) return "has no pathLength (0 or 1)";
  return {
    keyAlgorithm: v["keyAlgorithm"],
    subject: v["subject"],
    validityDays: v["validityDays"] as number,
    intermediate: v["intermediate"],
    ...(v["intermediate"] === true ? { intermediateValidityDays: v["intermediateValidityDays"] as number } : {}),
    pathLength: v["pathLength"],
  };
}

const DAY_MS = 86_400_000;
// generate.ts backdates notBefore by an hour for clock skew; validity counts from the hour after.
const CLOCK_SKEW_MS = 3_600_000;

/**
 * Migration for material generated before records existed: the parameters as far as the certificates
 * tell them. The intermediate's validity is capped at the root's end when generated, so a capped one
 * reads as the capped length; `changedFields` compares effective end dates for that reason.
 */
/** `signing` is the intermediate's description, undefined without one. */
export function deriveRecord(root: CertificateInfo, signing: CertificateInfo | undefined): GenerationRecord {
  const intermediate = signing !== undefined;
  const days = (info: CertificateInfo): number => Math.round((Date.parse(info.notAfter) - Date.parse(info.notBefore) - CLOCK_SKEW_MS) / DAY_MS);
  return {
    keyAlgorithm: root.keyAlgorithm,
    subject: root.subject,
    validityDays: days(root),
    intermediate,
    ...(signing ? { intermediateValidityDays: days(signing) } : {}),
    pathLength: root.pathLen ?? -1,
  };
}

/** A changed field: its name in the policy, the stored value and the policy's. */
export interface ChangedField {
  field: "keyAlgorithm" | "subject" | "validityDays" | "intermediate" | "intermediateValidityDays";
  stored: string | number | boolean;
  policy: string | number | boolean;
}

/** The fields in which the policy's spec differs from what the material was generated from. */
export function changedFields(record: GenerationRecord, spec: AuthoritySpec): ChangedField[] {
  const changes: ChangedField[] = [];
  if (record.keyAlgorithm !== spec.keyAlgorithm) changes.push({ field: "keyAlgorithm", stored: record.keyAlgorithm, policy: spec.keyAlgorithm });
  if (!sameSubject(record.subject, spec.subject)) changes.push({ field: "subject", stored: record.subject, policy: spec.subject });
  if (record.validityDays !== spec.validityDays) changes.push({ field: "validityDays", stored: record.validityDays, policy: spec.validityDays });
  if (record.intermediate !== spec.intermediate) changes.push({ field: "intermediate", stored: record.intermediate, policy: spec.intermediate });
  else if (spec.intermediate) {
    // The intermediate never outlives the root: compare what generation would really produce.
    const stored = Math.min(record.intermediateValidityDays ?? 0, record.validityDays);
    const wanted = Math.min(spec.intermediateValidityDays, spec.validityDays);
    if (stored !== wanted) changes.push({ field: "intermediateValidityDays", stored, policy: wanted });
  }
  return changes;
}

/**
 * Where the record and the certificates disagree (a hand-edited record, or certificates swapped
 * under it); empty when they agree.
 */
export function recordConflicts(record: GenerationRecord, fromCertificates: GenerationRecord): string[] {
  const conflicts: string[] = [];
  if (record.keyAlgorithm !== fromCertificates.keyAlgorithm) conflicts.push(`keyAlgorithm ${record.keyAlgorithm}, the certificate has ${fromCertificates.keyAlgorithm}`);
  if (!sameSubject(record.subject, fromCertificates.subject)) conflicts.push(`subject ${JSON.stringify(record.subject)}, the certificate has ${JSON.stringify(fromCertificates.subject)}`);
  if (record.intermediate !== fromCertificates.intermediate) conflicts.push(`intermediate ${record.intermediate}, the chain says ${fromCertificates.intermediate}`);
  if (record.validityDays !== fromCertificates.validityDays) conflicts.push(`validityDays ${record.validityDays}, the certificate has ${fromCertificates.validityDays}`);
  if (record.pathLength !== fromCertificates.pathLength) conflicts.push(`pathLength ${record.pathLength}, expected ${fromCertificates.pathLength}`);
  return conflicts;
}

/** Two RFC 4514 strings name the same subject (blanks and attribute-type case do not matter). */
export function sameSubject(a: string, b: string): boolean {
  const pa = parseDistinguishedName(a);
  const pb = parseDistinguishedName(b);
  if ("problem" in pa || "problem" in pb) return a === b;
  return canonical(pa.rdns) === canonical(pb.rdns);
}

function canonical(rdns: readonly (readonly DnAttribute[])[]): string {
  return JSON.stringify(rdns.map((rdn) => rdn.map((a) => [a.oid, a.value])));
}
