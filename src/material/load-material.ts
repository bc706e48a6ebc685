import type { Finding } from "../diagnostics/diagnostic.js";
import type { Authority, Model } from "../model/model.js";
import type { AuthoritySpec } from "../ca/generate.js";
import type { CertificateInfo } from "../ca/inspect.js";
import { readAuthority, writeAuthority } from "../ca/state.js";
import { keyStrengthBits, withinRotationWindow } from "../ca/rotation-window.js";
import type { AuthorityMaterialView } from "../targets/target.js";
import { readRotationRecord, fingerprintRoot } from "../ca/rotation-record.js";
import type { RotationRecord } from "../ca/rotation-record.js";
import { checkRotationStep, pinRoots, findRootsInOutput } from "./rotation-steps.js";

/** What to do about generated authorities whose material is not in the state directory yet. */
export type MissingMaterial = "generate" | "report" | "ignore";

export interface MaterialOptions {
  stateDir: string;
  /** Private keys are read only when Secrets will be written (output.secrets is not none). */
  withKeys: boolean;
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
  const read = await readRotationRecord(options.stateDir);
  if (read.status === "broken") findings.push({ code: "MS3022", message: read.problem, path: model.rotation ? ["rotation"] : [], hint: "restore rotation.json from Git; delete it only when no rotation is in progress" });
  const step = read.status === "broken" ? { findings: [], record: undefined } : checkRotationStep(model, read, options.stateDir, options.allowUnsafeRotation === true, options.previous);
  findings.push(...step.findings);
  // Roots a rotation has put into trust bundles: their material must never be replaced.
  const recorded = read.status === "ok" ? read.record.roots : {};
  const pins: Record<string, string> = { ...findRootsInOutput(model, options.previous), ...recorded };
  const witness = (name: string): string => (name in recorded ? "recorded in rotation.json" : "found in the previous output's trust bundle");
  const wanted = model.authorities.filter((a) => a.source.type === "generate");
  const done = (): LoadedMaterial => {
    const previous = read.status === "ok" ? read.record : undefined;
    const rotationRecord = step.record ? pinRoots(step.record, previous, authorities) : step.record;
    return { authorities, findings, generated, rotationRecord };
  };
  if (wanted.length === 0) return done();
  // @peculiar/x509 (and reflect-metadata) cost hundreds of milliseconds to load: only when needed.
  const { generateAuthority } = await import("../ca/generate.js");
  const { describeCertificate } = await import("../ca/inspect.js");
  for (const authority of wanted) {
    let stored = await readAuthority(options.stateDir, authority.name, { withKeys: options.withKeys });
    const pinned = pins[authority.name];
    if (stored.status === "missing" && pinned !== undefined) {
      findings.push({
        code: "MS3021",
        message: `authority \`${authority.name}\` has no material in ${options.stateDir}, yet its root was distributed (${pinned}, ${witness(authority.name)}); refusing to generate a different one`,
        path: [...authority.path],
        hint: `restore ${options.stateDir}/authorities/${authority.name}/ from Git and private/${authority.name}/ from your key backup (docs/rotation.md, "When something goes wrong")`,
      });
      continue;
    }
    if (stored.status === "missing") {
      if (options.missing === "ignore") continue;
      if (options.missing === "report") {
        findings.push({
          code: "MS3006",
          message: `no CA material for authority \`${authority.name}\` in ${options.stateDir}`,
          path: [...authority.path],
          hint: "run `mesh-security ca init` (or compile without --check) to generate it",
        });
        continue;
      }
      try {
        await writeAuthority(options.stateDir, authority.name, await generateAuthority(specOf(authority), options.now));
        generated.push(authority.name);
      } catch (error) {
        findings.push({ code: "MS3005", message: `cannot generate authority \`${authority.name}\`: ${error instanceof Error ? error.message : String(error)}`, path: [...authority.path] });
        continue;
      }
      stored = await readAuthority(options.stateDir, authority.name, { withKeys: options.withKeys });
    }
    if (stored.status === "broken") {
      findings.push({ code: stored.code, message: `authority \`${authority.name}\`: ${stored.problem}`, path: [...authority.path], hint: "restore the file from a backup; the compiler never re-issues a CA on its own" });
      continue;
    }
    if (stored.status !== "ok") continue;
    const m = stored.material;
    if (pinned !== undefined && fingerprintRoot(m.rootCertPem) !== pinned) {
      findings.push({
        code: "MS3020",
        message: `the root of authority \`${authority.name}\` in ${options.stateDir} (${fingerprintRoot(m.rootCertPem)}) is not the one distributed (${pinned}, ${witness(authority.name)}): clients holding the bundles already rolled out would reject every certificate it signs`,
        path: [...authority.path],
        hint: `restore ${options.stateDir}/authorities/${authority.name}/ from Git and its key from your backup; if the key is lost for good, abandon the rotation (docs/rotation.md, "When something goes wrong")`,
      });
      continue;
    }
    authorities.set(authority.name, {
      name: authority.name,
      rootCertPem: m.rootCertPem,
      caCertPem: m.caCertPem,
      certChainPem: m.certChainPem,
      ...(m.caKeyPem ? { caKeyPem: m.caKeyPem } : {}),
      ...(m.rootKeyPem ? { rootKeyPem: m.rootKeyPem } : {}),
    });
    findings.push(...expiryFindings(authority, describeCertificate(m.rootCertPem, options.now), describeCertificate(m.caCertPem, options.now)));
    findings.push(...strengthFindings(model, authority));
  }
  return done();
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
function expiryFindings(authority: Authority, root: CertificateInfo, ca: CertificateInfo): Finding[] {
  for (const [label, info] of [["root", root], ["signing CA", ca]] as const) {
    const validityDays = (Date.parse(info.notAfter) - Date.parse(info.notBefore)) / 86_400_000;
    if (withinRotationWindow(info, validityDays)) {
      return [
        {
          code: "MS2301",
          message: `the ${label} certificate of authority \`${authority.name}\` expires in ${info.daysLeft} days, inside its rotation window (the last half of ${Math.round(validityDays)} days)`,
          path: [...authority.path],
          hint: `start a rotation: mesh-security ca rotate ${authority.name}`,
        },
      ];
    }
  }
  return [];
}

/** Mozilla modern (5.8) certificates are ECDSA P-256: 128-bit strength. */
function strengthFindings(model: Model, authority: Authority): Finding[] {
  if (authority.source.type !== "generate" || model.tls.profile !== "modern") return [];
  const bits = keyStrengthBits(authority.source.keyAlgorithm);
  if (bits >= 128) return [];
  return [
    {
      code: "MS2302",
      message: `authority \`${authority.name}\` uses ${authority.source.keyAlgorithm} (${bits}-bit strength), weaker than the modern TLS profile's 128 bits`,
      path: [...authority.path, "generate", "keyAlgorithm"],
      hint: "use ECDSA-P256 or stronger",
    },
  ];
}
