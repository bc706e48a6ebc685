import { isManaged } from "../model/model.js";
import { say } from "../diagnostics/messages.js";
import type { Model } from "../model/model.js";
import type { PlanContext, TargetPlan } from "./target.js";
import { trustedAuthorityNames } from "../model/names.js";
import { destinationCaSecretName } from "./route-certificates.js";
import { TRUST_MOUNT_PATH, trustFileName } from "../model/workloads.js";

// Which trust channels carry both roots during a rotation, and which cannot.
//
// cert-manager's CA issuer reads its signing Secret with SecretTLSKeyPairAndCA
// (cert-manager/cert-manager pkg/util/kube/pki.go): tls.crt is the chain and `ca.crt` is decoded with
// pki.DecodeX509CertificateBytes, one certificate, appended to the chain. The CA CertificateRequest
// controller (pkg/controller/certificaterequests/ca/ca.go, Sign) signs with pki.SignCSRTemplate
// (pkg/util/pki/csr.go: ParseSingleCertificateChain(append(caCerts, cert))) and returns bundle.CAPEM, which
// pkg/util/pki/parse_certificate_chain.go toBundleAndCA sets to the top of that one chain (its root); the
// certificates controller writes it into each issued Secret's `ca.crt` (issuing/internal/secret.go setValues). So a Secret's `ca.crt` names the root of whichever authority signed
// that Secret's certificate: during trust-both and issue-new it never carries both roots. Only the
// bundles the compiler assembles itself (Knative trust-bundle ConfigMaps, the mesh plug-in CA's
// root-cert.pem, the callers' trust ConfigMaps) do.

/** During trust-both and issue-new: an explain note naming the channels, and MS2311 when a Secret's ca.crt is in play. */
export function planRotationChannels(model: Model, authorities: PlanContext["authorities"], plan: TargetPlan): void {
  const r = model.rotation;
  if (!r || r.phase === "drop-old") return;
  const both: string[] = [];
  const bundle = model.knative?.trustBundle;
  if (bundle?.authorities.includes(r.authority)) {
    both.push(`Knative trust bundle ConfigMap ${bundle.name} in ${[...bundle.namespaces].sort().join(", ")} (label networking.knative.dev/trust-bundle)`);
  }
  if (model.platform.mesh.flavor !== "none" && model.platform.mesh.certificateAuthority === r.authority) {
    both.push(`root-cert.pem of the mesh plug-in CA Secret cacerts in ${model.platform.mesh.namespace}`);
  }
  const rotatingIssuers = new Set(model.issuers.filter((i) => i.spec.type === "ca" && i.spec.authority === r.authority).map((i) => i.name));
  const secrets: string[] = [];
  const routes: string[] = [];
  const rootsAtHand = trustedAuthorityNames(model, r.authority).every((n) => (authorities.get(n)?.rootCertPem ?? "").length > 0);
  for (const service of model.services) {
    // Declared callers of a service mount the trust ConfigMap the workloads target writes from the phase's
    // roots (targets/caller-trust.ts): that channel carries both, so the Secret's ca.crt is not theirs.
    const mountedByCallers = service.callers.length > 0 && isManaged(service.certificate) && rotatingIssuers.has(service.certificate.issuer);
    if (mountedByCallers) both.push(`the trust files ${TRUST_MOUNT_PATH}/${trustFileName(service)} of ${service.namespace}/${service.name}'s callers`);
    for (const cert of [service.certificate, service.routeCertificate]) {
      if (mountedByCallers && cert === service.certificate) continue;
      if (cert && "secretName" in cert && "issuerRef" in cert && rotatingIssuers.has(cert.issuer)) secrets.push(`${service.namespace}/${cert.secretName}`);
    }
    // route-certificates.ts writes both roots into a reencrypt Route's destinationCACertificate; with
    // cert-utils into a Secret that destinationCA-from-secret reads (the pod's own Secret's ca.crt would
    // switch to the new root the moment cert-manager re-issues, before the pods restart). Without the roots'
    // certificates at hand the Route reads the pod's Secret: it is named in MS2311.
    const pod = service.certificate;
    if (service.exposure === "reencrypt" && service.route && isManaged(pod) && rotatingIssuers.has(pod.issuer)) {
      const route = `${service.namespace}/${service.route.name}`;
      if (model.platform.routeCertificates !== "cert-utils") both.push(`spec.tls.destinationCACertificate of Route ${route} (the router's trust in the pod)`);
      else if (rootsAtHand) both.push(`Secret ${service.namespace}/${destinationCaSecretName(service.route.name)}, which cert-utils copies into Route ${route}'s destinationCACertificate (the router's trust in the pod)`);
      else routes.push(`Route ${route} (cert-utils destinationCA-from-secret reads ca.crt of Secret ${service.namespace}/${pod.secretName})`);
    }
  }
  const knativeIssuers = Object.values(model.knative?.issuers ?? {}).some((name) => name !== undefined && rotatingIssuers.has(name));
  const single = [...new Set(secrets)].sort();
  const carriers = both.length > 0 ? both.join("; ") : "none: no trust bundle of this policy lists the authority (add it to knative.trustBundle, or make it the mesh CA)";
  const readers = routes.length > 0 ? `; read by ${routes.sort().join(", ")}, whose router then rejects every pod still presenting the other chain (503)` : "";
  const oneRoot = `ca.crt of every Secret cert-manager issues from ${[...rotatingIssuers].sort().join(", ") || "a CA issuer of this authority"} (${single.length > 0 ? single.join(", ") : "none in this policy"}${knativeIssuers ? ", and the Secrets of Knative's certificates" : ""}${readers}) carries only the root that signed it`;
  plan.notes.push({
    subject: `authority ${r.authority}`,
    text: `trust channels during ${r.phase}: both roots are carried by ${carriers}. ${oneRoot}: a client that trusts it rejects the other authority's certificates, so clients should mount a bundle that carries both`,
  });
  if (single.length === 0 && !knativeIssuers && routes.length === 0) return;
  plan.findings.push({ ...say.MS2311(r, oneRoot, both, routes.length > 0), path: ["rotation"] });
}
