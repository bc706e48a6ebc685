import type { Issuer, ManagedCertificate, Model, Service } from "../model/model.js";
import { say } from "../diagnostics/messages.js";
import { isManaged } from "../model/model.js";
import { MANAGED_BY } from "../write/output-tree.js";
import { planIssuers } from "./cert-manager-issuers.js";
import type { IssuerSecret } from "./cert-manager-issuers.js";
import { emptyPlan } from "./target.js";
import type { PlanContext, Target, TargetPlan } from "./target.js";

/** Issuers, and a Certificate for every cert-manager serving certificate and router certificate. */
export const certManagerTarget: Target = {
  id: "cert-manager",
  plan({ model }: PlanContext): TargetPlan {
    const plan = emptyPlan();
    const issuerSecrets = planIssuers(model, plan);
    const issuers = new Map(model.issuers.map((i) => [i.name, i]));
    for (const service of model.services) {
      for (const wanted of certificatesOf(model, service)) planCertificate(model, service, wanted, issuers, issuerSecrets, plan);
      // With cert-manager-routes the router certificate has no Certificate object, but the same issuer rules apply.
      const viaRoutes = model.platform.routeCertificates === "cert-manager-routes" && (service.exposure === "reencrypt" || service.exposure === "external");
      const rc = service.routeCertificate;
      const rcIssuer = rc ? issuers.get(rc.issuer) : undefined;
      if (viaRoutes && rc && rcIssuer) checkIssuerFits(service, rc, rcIssuer, plan);
    }
    return plan;
  },
};

/** Which certificate of a service a Certificate object is for. */
interface WantedCertificate {
  cert: ManagedCertificate;
  role: "serving" | "router";
  name: string;
}

/**
 * The Certificates a service needs. The router certificate is skipped where the router presents none
 * (internal, passthrough: MS2015) and with `cert-manager-routes`, where the openshift-routes controller
 * requests it from the Route's annotations instead (routes.ts).
 */
export function certificatesOf(model: Model, service: Service): WantedCertificate[] {
  const wanted: WantedCertificate[] = [];
  if (isManaged(service.certificate)) wanted.push({ cert: service.certificate, role: "serving", name: service.name });
  const terminatesAtRouter = service.exposure === "reencrypt" || service.exposure === "external";
  if (service.routeCertificate && service.route && terminatesAtRouter && model.platform.routeCertificates !== "cert-manager-routes") {
    wanted.push({ cert: service.routeCertificate, role: "router", name: `${service.route.name}-route` });
  }
  return wanted;
}

function planCertificate(
  model: Model,
  service: Service,
  { cert, role, name }: WantedCertificate,
  issuers: ReadonlyMap<string, Issuer>,
  issuerSecrets: readonly IssuerSecret[],
  plan: TargetPlan,
): void {
  const issuer = issuers.get(cert.issuer);
  if (issuer) checkIssuerFits(service, cert, issuer, plan);
  const collision = issuerSecrets.find((s) => s.key === `${service.namespace}/${cert.secretName}`);
  if (collision) {
    plan.findings.push({ ...say.MS2002(`Secret/${collision.key}`, collision.owner, { role, service: service.name }, "secretName"), path: [...cert.path, "secretName"] });
  }
  const keystores = planKeystores(cert, plan);
  const subject = `service ${service.namespace}/${service.name}`;
  const issuerText = `${cert.issuerRef.kind} ${cert.issuer}`;
  const purpose = role === "serving" ? "the pod's serving certificate" : `the router's certificate for ${service.host ?? "the route host"}`;
  plan.objects.push({
    target: "cert-manager",
    template: "cert-manager/certificate",
    values: {
      name,
      namespace: service.namespace,
      secretName: cert.secretName,
      // Labels on the issued Secret say where it comes from (cert-manager copies secretTemplate onto it).
      secretLabels: { "app.kubernetes.io/managed-by": MANAGED_BY, "mesh-security/policy": model.name, "mesh-security/service": service.name },
      dnsNames: [...cert.dnsNames],
      duration: cert.duration,
      renewBefore: cert.renewBefore,
      issuerRef: { ...cert.issuerRef },
      privateKey: { algorithm: cert.privateKey.algorithm, size: cert.privateKey.size ?? null, rotationPolicy: cert.privateKey.rotationPolicy },
      usages: [...cert.usages],
      keystores,
    },
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    name,
    namespace: service.namespace,
    role: "resource",
    wave: 0,
    reason: `${purpose}, issued by ${issuerText} into Secret ${cert.secretName}`,
    source: [...cert.path],
  });
  const key = `${cert.privateKey.algorithm}${cert.privateKey.size ? ` ${cert.privateKey.size}` : ""}`;
  const stores = keystores
    ? `; keystores ${[keystores.pkcs12 ? `PKCS#12 (keystore.p12, profile ${keystores.pkcs12.profile})` : "", keystores.jks ? "JKS (keystore.jks)" : ""].filter(Boolean).join(" and ")} encrypted with the password in Secret ${cert.keystorePasswordSecretRef?.name ?? "?"} key ${cert.keystorePasswordSecretRef?.key ?? "?"}`
    : "";
  plan.notes.push({
    subject,
    text: `${purpose}: Certificate ${name} from ${issuerText} into Secret ${cert.secretName} (SANs ${cert.dnsNames.join(", ")}); valid ${cert.duration}, renewed ${cert.renewBefore} before expiry, new ${key} key on every renewal${stores}`,
  });
}

/** cert-manager's `spec.keystores`; the password always comes from a Secret, never the CRD's literal `password`. */
function planKeystores(cert: ManagedCertificate, plan: TargetPlan): { pkcs12: { profile: string; passwordSecretRef: { name: string; key: string } } | null; jks: { passwordSecretRef: { name: string; key: string } } | null } | null {
  const ref = cert.keystorePasswordSecretRef;
  if (cert.keystores.length === 0) {
    if (ref) {
      plan.findings.push({ ...say.MS2105(), path: [...cert.path, "keystorePasswordSecretRef"] });
    }
    return null;
  }
  if (!ref) {
    plan.findings.push({ ...say.MS2104(cert.keystores), path: [...cert.path, "keystores"] });
    return null;
  }
  const passwordSecretRef = { name: ref.name, key: ref.key };
  return {
    pkcs12: cert.keystores.includes("pkcs12") ? { profile: cert.pkcs12Profile, passwordSecretRef } : null,
    jks: cert.keystores.includes("jks") ? { passwordSecretRef } : null,
  };
}

/** Names only the cluster resolves: the service names, `.svc`/`.cluster.local`/`.local` names and single labels. */
function isClusterInternal(name: string, service: Service): boolean {
  return service.serviceDnsNames.includes(name) || !name.includes(".") || /\.(svc|local)$/.test(name) || /\.svc\.cluster\.local$/.test(name);
}

/** Rules that need both the certificate and its issuer. */
function checkIssuerFits(service: Service, cert: ManagedCertificate, issuer: Issuer, plan: TargetPlan): void {
  const issuerPath = [...cert.path, "issuer"];
  if (issuer.namespace && issuer.namespace !== service.namespace) {
    plan.findings.push({ ...say.MS2112(issuer.name, issuer.namespace, service.namespace), path: issuerPath });
  }
  if (issuer.spec.type !== "acme") return;
  checkAcmeKey(cert, issuer, plan);
  // The ACME server validates every name from the internet (RFC 8555 §8): cluster names never pass.
  const internal = cert.dnsNames.filter((n) => isClusterInternal(n, service));
  if (internal.length > 0) {
    plan.findings.push({ ...say.MS2101(issuer.name, internal), path: issuerPath });
  }
  // Let's Encrypt issues wildcards only through DNS-01 (https://letsencrypt.org/docs/faq/).
  const wildcards = cert.dnsNames.filter((n) => n.startsWith("*.") && !isClusterInternal(n, service));
  if (wildcards.length > 0 && issuer.spec.solver.http01) {
    plan.findings.push({ ...say.MS2102(issuer.name, wildcards), path: service.host && wildcards.includes(service.host) ? [...service.path, "host"] : issuerPath });
  }
}

/**
 * Keys an ACME server refuses. Let's Encrypt runs boulder, whose key policy (letsencrypt/boulder
 * goodkey/good_key.go, `KeyPolicy.GoodKey`) rejects every key type but RSA and ECDSA ("unsupported key
 * type"), and whose default allowed keys (`LetsEncryptCPS`) are RSA 2048/3072/4096 and ECDSA P-256/P-384:
 * the order for an Ed25519 or P-521 CSR fails at finalize and the Certificate never becomes Ready.
 * Ed25519 is refused for every ACME issuer (no public ACME CA issues it); P-521 only where the server is
 * Let's Encrypt's (production, staging), since another ACME CA may accept it.
 */
function checkAcmeKey(cert: ManagedCertificate, issuer: Issuer, plan: TargetPlan): void {
  if (issuer.spec.type !== "acme") return;
  const { algorithm, size } = cert.privateKey;
  const letsEncrypt = issuer.spec.serverName !== "custom";
  const refused = algorithm === "Ed25519" ? "Ed25519" : algorithm === "ECDSA" && size === 521 && letsEncrypt ? "ECDSA P-521" : undefined;
  if (!refused) return;
  plan.findings.push({ ...say.MS2119(issuer.name, refused, letsEncrypt), path: [...cert.path, "privateKey", algorithm === "Ed25519" ? "algorithm" : "size"] });
}
