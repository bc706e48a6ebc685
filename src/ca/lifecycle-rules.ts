import type { Finding } from "../diagnostics/diagnostic.js";
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
      findings.push({
        code: "MS2305",
        message: `authority \`${authority.name}\` is not used: no CA issuer, service mesh or trust bundle refers to it`,
        path: [...authority.path],
        at: "key",
        hint: meshWithoutCa ? `did you mean \`platform.serviceMesh.certificateAuthority: ${authority.name}\`?` : `refer to it from an issuer (\`ca: { authority: ${authority.name} }\`), or remove it`,
      });
    }
    if (authority.source.type !== "generate") continue;
    const g = authority.source;
    if (mesh.flavor !== "none" && mesh.certificateAuthority === authority.name && !g.intermediate) {
      findings.push({
        code: "MS2306",
        message: `authority \`${authority.name}\` is the mesh plug-in CA but has no intermediate: its root key would sign workload certificates from the \`cacerts\` Secret in the cluster`,
        path: [...authority.path, "generate", "intermediate"],
        hint: "set `intermediate: true` (Istio's plug-in CA guide keeps the root offline and gives istiod an intermediate)",
      });
    }
    // generate.ts caps the intermediate at the root's end; the root is due for rotation at half its validity.
    const intermediateDays = Math.min(g.intermediateValidityDays, g.validityDays);
    if (g.intermediate && g.intermediateValidityDaysSet && intermediateDays <= g.validityDays / 2) {
      findings.push({
        code: "MS2307",
        message: `the intermediate of authority \`${authority.name}\` expires after ${intermediateDays} days, no later than its root enters its rotation window (after ${g.validityDays / 2} of ${g.validityDays} days)`,
        path: [...authority.path, "generate", "intermediateValidityDays"],
        hint: `set \`intermediateValidityDays: ${g.validityDays}\` (the intermediate then lives as long as the root and is rotated with it)`,
      });
    }
  }
  return findings;
}
