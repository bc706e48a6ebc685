import { describe, str } from "./object-index.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";

/** Which CA signed a certificate, as far as what was read tells. `id` compares authorities. */
export interface Authority {
  id: string;
  label: string;
  known: boolean;
}

export const SERVICE_CA: Authority = { id: "service-ca", label: "the OpenShift Service CA", known: true };

/**
 * The authority behind a cert-manager Certificate: its issuerRef (kind defaults to Issuer, in the Certificate's
 * namespace) → a `ca` issuer's `secretName` (a ClusterIssuer reads it from cert-manager's cluster resource
 * namespace), a selfSigned issuer (the certificate is its own CA), or ACME (a public CA).
 */
export function authorityOfCertificate(index: ObjectIndex, cert: KubeObject): Authority {
  const kind = str(cert.body, "spec", "issuerRef", "kind") ?? "Issuer";
  const name = str(cert.body, "spec", "issuerRef", "name") ?? "";
  return authorityOfIssuer(index, kind, name, cert.namespace, cert);
}

/** The authority behind an issuer reference. */
export function authorityOfIssuer(index: ObjectIndex, kind: string, name: string, namespace: string | undefined, cert?: KubeObject): Authority {
  const issuer = kind === "ClusterIssuer" ? index.get("cert-manager.io/ClusterIssuer", undefined, name) : index.get("cert-manager.io/Issuer", namespace, name);
  const ref = `${kind} ${kind === "ClusterIssuer" ? "" : `${namespace ?? "default"}/`}${name}`;
  if (!issuer || issuer.partial) return { id: `issuer:${ref}`, label: `${ref} (not read)`, known: false };
  const caSecret = str(issuer.body, "spec", "ca", "secretName");
  if (caSecret) {
    const where = kind === "ClusterIssuer" ? "(cert-manager namespace)" : (namespace ?? "default");
    return { id: `ca:${where}/${caSecret}`, label: `the CA in Secret ${where}/${caSecret} (${ref})`, known: true };
  }
  if (issuer.body["spec"] && (issuer.body["spec"] as Record<string, unknown>)["selfSigned"] !== undefined) {
    return cert ? { id: `self:${describe(cert)}`, label: `itself (${ref} is selfSigned)`, known: true } : { id: `self:${ref}`, label: `self-signed (${ref})`, known: true };
  }
  const acme = str(issuer.body, "spec", "acme", "server");
  if (acme) return { id: `acme:${acme}`, label: `the ACME CA ${acme}`, known: true };
  return { id: `issuer:${ref}`, label: ref, known: false };
}
