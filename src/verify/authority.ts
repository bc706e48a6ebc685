import { annotations, describe, field, str } from "./object-index.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";
import { caSecretFingerprints } from "./pem.js";
import { serviceDnsNames } from "./workloads.js";

const SERVING_CERT = ["service.beta.openshift.io/serving-cert-secret-name", "service.alpha.openshift.io/serving-cert-secret-name"];

/** Which CA signed a certificate, as far as what was read tells. `id` compares authorities. */
export interface Authority {
  id: string;
  label: string;
  known: boolean;
  /** SHA-256 fingerprints of the CA's certificates, when its PEM was read (a CA Secret read whole, an inline or ConfigMap PEM). */
  pem?: string[];
}

/** Whether trusting `trusted` covers certificates from `presented`: the same authority, or a shared certificate by content. */
export function covers(trusted: Authority, presented: Authority): boolean {
  if (trusted.id === presented.id) return true;
  return trusted.pem !== undefined && presented.pem !== undefined && presented.pem.some((f) => trusted.pem?.includes(f));
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
    // A ClusterIssuer reads its Secret from cert-manager's cluster resource namespace; any Secret of that name read will do.
    const pem = caSecretFingerprints(index, kind === "ClusterIssuer" ? undefined : (namespace ?? "default"), caSecret);
    return { id: `ca:${where}/${caSecret}`, label: `the CA in Secret ${where}/${caSecret} (${ref})`, known: true, ...(pem ? { pem } : {}) };
  }
  if (issuer.body["spec"] && (issuer.body["spec"] as Record<string, unknown>)["selfSigned"] !== undefined) {
    return cert ? { id: `self:${describe(cert)}`, label: `itself (${ref} is selfSigned)`, known: true } : { id: `self:${ref}`, label: `self-signed (${ref})`, known: true };
  }
  const acme = str(issuer.body, "spec", "acme", "server");
  if (acme) return { id: `acme:${acme}`, label: `the ACME CA ${acme}`, known: true };
  return { id: `issuer:${ref}`, label: ref, known: false };
}

/** What the pods of a Service present: the Service CA when it carries the serving-cert annotation, and each cert-manager Certificate in its namespace naming the Service. */
export function podCertificates(index: ObjectIndex, namespace: string | undefined, serviceName: string): Authority[] {
  const out: Authority[] = [];
  const service = index.get("/Service", namespace, serviceName);
  if (service && SERVING_CERT.some((k) => annotations(service)[k])) out.push(SERVICE_CA);
  const names = new Set(service ? serviceDnsNames(service) : serviceDnsNames({ name: serviceName, ...(namespace ? { namespace } : {}) } as KubeObject));
  for (const cert of index.list("cert-manager.io/Certificate", namespace)) {
    const dns = field(cert.body, "spec", "dnsNames");
    if (Array.isArray(dns) && dns.some((d) => typeof d === "string" && names.has(d))) out.push(authorityOfCertificate(index, cert));
  }
  return out.filter((a, i) => out.findIndex((b) => b.id === a.id) === i);
}
