import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { Model } from "../model/model.js";

/**
 * Rules on the life of generated CAs that read only the policy.
 * Reads: authorities, issuers, platform.serviceMesh, knative.trustBundle, rotation.
 * Raises: MS2305 (authority nothing uses), MS2306 (mesh plug-in CA without an intermediate),
 * MS2307 (intermediate expiring before its root's rotation window).
 */
export function lifecycleFindings(model: Model): Finding[] {
  const findings: Finding[] = [];
  const used = new Set<string>();
  for (const issuer of model.issuers) if (issuer.spec.type === "ca") used.add(issuer.spec.authority);
  const mesh = model.platform.mesh;
  if (mesh.certificateAuthority && mesh.flavor !== "none") used.add(mesh.certificateAuthority);
  for (const name of model.knative?.trustBundle?.authorities ?? []) used.add(name);
  if (model.rotation) {
    used.add(model.rotation.authority);
    used.add(model.rotation.next);
  }
  // A reference to an undeclared authority is MS2004 already (with a "did you mean"); an "unused"
  // warning on the authority it probably meant would report the same mistake twice.
  const declared = new Set(model.authorities.map((a) => a.name));
  const danglingReference = [...used].some((name) => !declared.has(name));
  for (const authority of model.authorities) {
    if (!used.has(authority.name) && !danglingReference) {
      const meshWithoutCa = mesh.flavor !== "none" && !mesh.certificateAuthority;
      findings.push({ ...say.MS2305(authority.name, meshWithoutCa), path: [...authority.path], at: "key" });
    }
    if (authority.source.type !== "generate") continue;
    const g = authority.source;
    if (mesh.flavor !== "none" && mesh.certificateAuthority === authority.name && !g.intermediate) {
      findings.push({ ...say.MS2306(authority.name), path: [...authority.path, "generate", "intermediate"] });
    }
    // generate.ts caps the intermediate at the root's end; the root is due for rotation at half its validity.
    const intermediateDays = Math.min(g.intermediateValidityDays, g.validityDays);
    if (g.intermediate && g.intermediateValidityDaysSet && intermediateDays <= g.validityDays / 2) {
      findings.push({ ...say.MS2307(authority.name, intermediateDays, g.validityDays, false), path: [...authority.path, "generate", "intermediateValidityDays"] });
    }
  }
  return findings;
}
