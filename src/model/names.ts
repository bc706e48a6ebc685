import type { Authority, Model } from "./model.js";
import { phaseOf } from "./rotation-phases.js";

/**
 * The Secret holding an authority's CA certificate and key, where CA issuers read it.
 * A ClusterIssuer reads its secret from cert-manager's cluster resource namespace
 * (cert-manager docs, "Cluster Resource Namespace"); a namespaced Issuer from its own namespace.
 */
export function authoritySecret(model: Model, authority: Authority, issuerNamespace?: string): { name: string; namespace: string } {
  if (authority.source.type === "existingSecret") return { name: authority.source.secretName, namespace: authority.source.namespace };
  // cert-manager writes a CA it makes into its own namespace (the CA Certificate lives there).
  if (authority.source.type === "certManager") return { name: `${authority.name}-ca`, namespace: model.platform.certManagerNamespace };
  return { name: `${authority.name}-ca`, namespace: issuerNamespace ?? model.platform.certManagerNamespace };
}

/**
 * The authority that signs for `name` now. During a rotation (`rotation:`), issuers move to the next
 * authority from phase `issue-new` on; in `trust-both` they still sign with the old one.
 */
export function signingAuthorityName(model: Model, name: string): string {
  const rotation = model.rotation;
  if (rotation && rotation.authority === name && phaseOf(rotation.phase).signer === "next") return rotation.next;
  return name;
}

/** Authorities whose certificates trust bundles must carry for `name`, old first, per rotation phase. */
export function trustedAuthorityNames(model: Model, name: string): string[] {
  const rotation = model.rotation;
  if (!rotation || rotation.authority !== name) return [name];
  if (phaseOf(rotation.phase).trusts === "next") return [rotation.next];
  return [name, rotation.next];
}

/** The authority declared under `name`, if any. */
export function findAuthority(model: Model, name: string): Authority | undefined {
  return model.authorities.find((a) => a.name === name);
}
