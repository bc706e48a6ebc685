import type { Finding } from "../diagnostics/diagnostic.js";
import type { Authority, Model } from "../model/model.js";
import type { AuthoritySpec } from "../ca/generate.js";
import type { CertificateInfo } from "../ca/inspect.js";
import { readAuthority, writeAuthority } from "../ca/state.js";
import { certificateValidity } from "../ca/validity.js";
import { keyStrengthBits, withinRotationWindow } from "../ca/rotation-window.js";
import type { AuthorityMaterialView } from "../targets/target.js";

type Validity = Pick<CertificateInfo, "notBefore" | "notAfter" | "daysLeft">;

/** What to do about generated authorities whose material is not in the state directory yet. */
export type MissingMaterial = "generate" | "report" | "ignore";

export interface MaterialOptions {
  stateDir: string;
  /** Private keys are read only when Secrets will be written (output.secrets is not none). */
  withKeys: boolean;
  missing: MissingMaterial;
  now: Date;
}

/**
 * Load (and, on first use, generate) the CA material of every generated authority. Existing material
 * is always reused, so output stays byte-stable; material that is present but broken (a key missing,
 * a key that does not match) is an error, never a reason to issue a new CA.
 */
export async function loadMaterial(model: Model, options: MaterialOptions): Promise<{ authorities: Map<string, AuthorityMaterialView>; findings: Finding[]; generated: string[] }> {
  const authorities = new Map<string, AuthorityMaterialView>();
  const findings: Finding[] = [];
  const generated: string[] = [];
  const wanted = model.authorities.filter((a) => a.source.type === "generate");
  if (wanted.length === 0) return { authorities, findings, generated };
  // @peculiar/x509 (and reflect-metadata) cost hundreds of milliseconds to load: only to generate
  // material; reading it (the rotation window) takes node:crypto alone.
  for (const authority of wanted) {
    let stored = await readAuthority(options.stateDir, authority.name, { withKeys: options.withKeys });
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
        const { generateAuthority } = await import("../ca/generate.js");
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
    authorities.set(authority.name, {
      name: authority.name,
      rootCertPem: m.rootCertPem,
      caCertPem: m.caCertPem,
      certChainPem: m.certChainPem,
      ...(m.caKeyPem ? { caKeyPem: m.caKeyPem } : {}),
      ...(m.rootKeyPem ? { rootKeyPem: m.rootKeyPem } : {}),
    });
    findings.push(...expiryFindings(authority, certificateValidity(m.rootCertPem, options.now), certificateValidity(m.caCertPem, options.now)));
    findings.push(...strengthFindings(model, authority));
  }
  return { authorities, findings, generated };
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
