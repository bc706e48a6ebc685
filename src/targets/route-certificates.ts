import type { Finding } from "../diagnostics/diagnostic.js";
import { say } from "../diagnostics/messages.js";
import type { ManagedCertificate, Model, Service } from "../model/model.js";
import type { PlannedObject } from "../plan/planned-object.js";
import { isManaged } from "../model/model.js";
import { findAuthority, trustedAuthorityNames } from "../model/names.js";
import type { PlanContext, TargetPlan } from "./target.js";

// cert-utils-operator route annotations (redhat-cop/cert-utils-operator controllers/route/route_controller.go,
// read at 0b1fe90): certs-from-secret — populateRouteWithCertifcates copies tls.key and tls.crt of the Secret
// into spec.tls key and certificate, and ca.crt into caCertificate only when the Route also carries
// `cert-utils-operator.redhat-cop.io/inject-CA` (not "false"); destinationCA-from-secret — populateRouteDestCA
// copies ca.crt into destinationCACertificate (keys: controllers/util/util.go Cert, Key, CA). The Route
// predicate admits edge and reencrypt Routes only. Reconcile also CLEARS spec.tls key/certificate/caCertificate
// when certs-from-secret is absent, and destinationCACertificate when destinationCA-from-secret is absent, so a
// Route annotated with one of them must not carry the other field inline.
export const CERTS_FROM_SECRET = "cert-utils-operator.redhat-cop.io/certs-from-secret";
export const DESTINATION_CA_FROM_SECRET = "cert-utils-operator.redhat-cop.io/destinationCA-from-secret";

// cert-manager openshift-routes annotations: the keys are cert-manager's own annotation constants
// (pkg/apis/certmanager/v1/types.go: IssuerNameAnnotationKey, ...) as read by
// cert-manager/openshift-routes internal/controller/sync.go. issuer-kind defaults to Issuer there,
// so it is always written. Since v0.7.0 `buildNextCert` turns them into a cert-manager Certificate
// `<route>-cert` whose Secret is `<route>-tls` (`safeKubernetesNameAppend(route.Name, "tls")`), and
// it accepts the private-key algorithms RSA, ECDSA and Ed25519 (an unknown one falls back to RSA).
// safeKubernetesNameAppend hashes only names of 253 characters or more; Route names here are DNS labels.
export const OPENSHIFT_ROUTES = {
  issuerName: "cert-manager.io/issuer-name",
  issuerKind: "cert-manager.io/issuer-kind",
  issuerGroup: "cert-manager.io/issuer-group",
  duration: "cert-manager.io/duration",
  renewBefore: "cert-manager.io/renew-before",
  privateKeyAlgorithm: "cert-manager.io/private-key-algorithm",
  privateKeySize: "cert-manager.io/private-key-size",
  altNames: "cert-manager.io/alt-names",
} as const;

/** How the router certificate reaches one Route. */
export interface RouterCertificateWiring {
  annotations: Record<string, string>;
  /** The Secret named by spec.tls.externalCertificate. */
  externalCertificate?: string;
  /** The controller that writes into spec.tls, if any (Argo CD must ignore that field). */
  tlsWriter?: string;
  findings: Finding[];
  notes: string[];
}

/** Wire the router certificate of an edge/reencrypt Route according to `platform.routeCertificates`. */
export function routerCertificateWiring(model: Model, service: Service, routeName: string, routeHost: string): RouterCertificateWiring {
  const wiring: RouterCertificateWiring = { annotations: {}, findings: [], notes: [] };
  const rc = service.routeCertificate;
  if (service.exposure !== "reencrypt" && service.exposure !== "external") return wiring;
  if (!rc) {
    wiring.notes.push("no routeCertificate: the router presents the IngressController's default certificate for this host");
    return wiring;
  }
  switch (model.platform.routeCertificates) {
    case "cert-utils":
      wiring.annotations[CERTS_FROM_SECRET] = rc.secretName;
      wiring.tlsWriter = "cert-utils-operator";
      wiring.notes.push(`router certificate: cert-utils-operator copies Secret ${rc.secretName} into the Route's spec.tls (and again on every renewal); Argo CD ignores /spec/tls of this Route (argocd-ignore-differences.yaml)`);
      break;
    case "external-certificate":
      wiring.externalCertificate = rc.secretName;
      wiring.notes.push(
        `router certificate: spec.tls.externalCertificate names Secret ${rc.secretName}; the router (system:serviceaccount:openshift-ingress:router) reads it through a Role and RoleBinding in wave -20, the Route waits in wave 10 for the Certificate to issue the Secret. Whoever applies the Route needs create on routes/custom-host`,
      );
      break;
    case "cert-manager-routes": {
      const a = wiring.annotations;
      a[OPENSHIFT_ROUTES.issuerName] = rc.issuerRef.name;
      a[OPENSHIFT_ROUTES.issuerKind] = rc.issuerRef.kind;
      a[OPENSHIFT_ROUTES.issuerGroup] = rc.issuerRef.group;
      a[OPENSHIFT_ROUTES.duration] = rc.duration;
      a[OPENSHIFT_ROUTES.renewBefore] = rc.renewBefore;
      a[OPENSHIFT_ROUTES.privateKeyAlgorithm] = rc.privateKey.algorithm;
      if (rc.privateKey.size !== undefined) a[OPENSHIFT_ROUTES.privateKeySize] = String(rc.privateKey.size);
      // The controller always certifies spec.host; other names (a wildcard host's `*.` name) go in alt-names.
      const extra = rc.dnsNames.filter((n) => n !== routeHost);
      if (extra.length > 0) a[OPENSHIFT_ROUTES.altNames] = extra.join(",");
      wiring.tlsWriter = "cert-manager openshift-routes";
      wiring.notes.push(
        `router certificate: cert-manager's openshift-routes controller creates Certificate ${routeName}-cert (Secret ${routeName}-tls) from ${rc.issuerRef.kind} ${rc.issuerRef.name} and copies it into the Route's spec.tls; the compiler emits neither, and routeCertificate.secretName is not used. Argo CD ignores /spec/tls of this Route`,
      );
      break;
    }
  }
  return wiring;
}

/** The Role and RoleBinding that let the router read one externalCertificate Secret (wave -20, with RBAC). */
export function planExternalCertificateRbac(service: Service, routeName: string, secretName: string, plan: TargetPlan): void {
  // The Route API authorizes system:serviceaccount:openshift-ingress:router for get, list and watch on
  // this Secret by name when it admits the Route (OpenShift route validation, validateTLSExternalCertificate).
  const name = `${routeName}-router-cert-reader`;
  const common = { target: "routes" as const, apiVersion: "rbac.authorization.k8s.io/v1", name, namespace: service.namespace, role: "resource" as const, wave: -20, source: [...service.path] };
  plan.objects.push({
    ...common,
    template: "routes/role",
    values: { name, namespace: service.namespace, resourceNames: [secretName] },
    kind: "Role",
    reason: `lets the OpenShift router read Secret ${secretName}, named by Route ${routeName}'s spec.tls.externalCertificate`,
  });
  plan.objects.push({
    ...common,
    template: "routes/role-binding",
    values: { name, namespace: service.namespace, roleName: name },
    kind: "RoleBinding",
    reason: `grants Role ${name} to the router service account openshift-ingress/router`,
  });
}

/** How the router learns to trust the pod's certificate on a reencrypt Route. */
export interface DestinationTrust {
  annotations: Record<string, string>;
  destinationCACertificate?: string;
  tlsWriter?: string;
  /** A Secret the compiler writes for destinationCA-from-secret to read (both roots during a rotation). */
  secret?: PlannedObject;
  findings: Finding[];
  notes: string[];
}

/** The Secret that holds both roots for a cert-utils reencrypt Route during a rotation. */
export function destinationCaSecretName(routeName: string): string {
  return `${routeName}-destination-ca`;
}

/**
 * The roots the router must trust for the pod's certificate while its authority rotates (trust-both,
 * issue-new), old first; undefined outside a rotation of that authority or when the issuer is not a CA issuer.
 * `pems` is absent when the compiler does not hold every root's certificate.
 */
export function rotatingDestinationRoots(context: PlanContext, cert: ManagedCertificate): { names: string[]; pems?: string } | undefined {
  const { model } = context;
  const r = model.rotation;
  const issuer = model.issuers.find((i) => i.name === cert.issuer);
  if (!r || r.phase === "drop-old" || issuer?.spec.type !== "ca" || issuer.spec.authority !== r.authority) return undefined;
  const names = trustedAuthorityNames(model, r.authority);
  const pems = names.map((n) => context.authorities.get(n)?.rootCertPem);
  if (!pems.every((p): p is string => typeof p === "string" && p.length > 0)) return { names };
  return { names, pems: pems.map((p) => (p.endsWith("\n") ? p : `${p}\n`)).join("") };
}

/**
 * A reencrypt router verifies the pod against spec.tls.destinationCACertificate, or, when absent, against
 * the Service CA (Route API docs for destinationCACertificate). So: nothing for a Service CA certificate;
 * cert-utils' destinationCA-from-secret for a cert-manager one (ca.crt of the serving Secret, kept current
 * on renewal); without cert-utils, the authority's root certificate when the compiler holds it (public
 * material); otherwise a warning, because the Route would answer 503.
 */
export function destinationTrust(context: PlanContext, service: Service): DestinationTrust {
  const trust: DestinationTrust = { annotations: {}, findings: [], notes: [] };
  const cert = service.certificate;
  if (!isManaged(cert)) {
    trust.notes.push("reencrypt to a Service CA certificate: the router already trusts the Service CA, so the Route carries no destinationCACertificate");
    return trust;
  }
  const { model } = context;
  if (model.platform.routeCertificates === "cert-utils") {
    // cert-utils copies `ca.crt` of the named Secret into spec.tls.destinationCACertificate whenever the Route
    // or that Secret changes (redhat-cop/cert-utils-operator controllers/route/route_controller.go,
    // `populateRouteDestCA`; the Secret watch's isContentChanged predicate fires only for kubernetes.io/tls
    // Secrets, a change of the Route's annotation value for any Secret — the both-roots Secret below is Opaque
    // (a kubernetes.io/tls Secret must hold tls.crt and tls.key), so it is read when the annotation switches to it). The pod's own Secret holds one root: the one that signed it (rotation-channels.ts). So at
    // issue-new, the moment cert-manager re-issues, the router trusts only the new root while the pods still
    // present the old chain until they restart: 503. During trust-both and issue-new the annotation names a
    // Secret the compiler writes with both roots instead; drop-old points it back at the pod's Secret.
    const route = service.route;
    const rotating = rotatingDestinationRoots(context, cert);
    if (route && rotating?.pems) {
      const name = destinationCaSecretName(route.name);
      trust.annotations[DESTINATION_CA_FROM_SECRET] = name;
      trust.tlsWriter = "cert-utils-operator";
      trust.secret = {
        target: "routes",
        template: "authorities/secret",
        values: { name, namespace: service.namespace, type: "Opaque", data: { "ca.crt": Buffer.from(rotating.pems, "utf8").toString("base64") } },
        apiVersion: "v1",
        kind: "Secret",
        name,
        namespace: service.namespace,
        role: "resource",
        // With the CA Secrets and issuers: it must exist before the Route's annotation names it.
        wave: -10,
        reason: `both roots (${rotating.names.join(", ")}) for Route ${route.name}'s destinationCA-from-secret while ${model.rotation?.authority} rotates: the router keeps trusting pods that still present the old chain (public certificates only)`,
        source: ["rotation"],
      };
      trust.notes.push(`during the rotation the router trusts the pod's certificate through cert-utils-operator reading Secret ${name} (the roots of ${rotating.names.join(" and ")}), not the pod's own Secret ${cert.secretName}, whose ca.crt holds only the root that signed it`);
      return trust;
    }
    trust.annotations[DESTINATION_CA_FROM_SECRET] = cert.secretName;
    trust.tlsWriter = "cert-utils-operator";
    trust.notes.push(`the router trusts the pod's certificate through cert-utils-operator: destinationCA-from-secret copies ca.crt of Secret ${cert.secretName} into spec.tls.destinationCACertificate`);
    return trust;
  }
  const issuer = model.issuers.find((i) => i.name === cert.issuer);
  if (issuer?.spec.type === "ca" && findAuthority(model, issuer.spec.authority)) {
    const names = trustedAuthorityNames(model, issuer.spec.authority);
    const pems = names.map((n) => context.authorities.get(n)?.rootCertPem);
    if (pems.every((p): p is string => typeof p === "string" && p.length > 0)) {
      trust.destinationCACertificate = pems.map((p) => (p.endsWith("\n") ? p : `${p}\n`)).join("");
      trust.notes.push(`the router trusts the pod's certificate through spec.tls.destinationCACertificate: the root certificate of ${names.join(" and ")}`);
      return trust;
    }
  }
  trust.findings.push({ ...say.MS2110(service.name, cert.issuer), path: [...cert.path, "issuer"] });
  return trust;
}
