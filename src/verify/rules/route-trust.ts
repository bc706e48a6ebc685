import { SERVICE_CA, authorityOfCertificate, covers, podCertificates } from "../authority.js";
import { isObject } from "../manifests.js";
import { pemFingerprints, secretValue } from "../pem.js";
import { missing } from "../rule.js";
import type { Authority } from "../authority.js";
import { annotations, describe, field, str } from "../object-index.js";
import type { KubeObject, ObjectIndex } from "../object-index.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { say } from "../../diagnostics/messages.js";

const DEST_CA_FROM_SECRET = "cert-utils-operator.redhat-cop.io/destinationCA-from-secret";

/**
 * Trust on a reencrypt Route's second hop: the router must trust the issuer of the certificate the pod presents.
 * openshift/router images/router/haproxy/conf/haproxy-config.template (the reencrypt `server` line): with the
 * Route's destination CA (`spec.tls.destinationCACertificate`, inline or filled by cert-utils-operator from the
 * `ca.crt` of the Secret named by `destinationCA-from-secret`) the router verifies the pod with `verify required
 * ca-file <that CA>`; without it, against `$defaultDestinationCA` (openshift/router pkg/cmd/infra/router/template.go,
 * flag default-destination-ca-path / DEFAULT_DESTINATION_CA_PATH), which on OpenShift is the Service CA bundle:
 * openshift/cluster-ingress-operator pkg/manifests/assets/router/deployment.yaml sets it to
 * /var/run/configmaps/service-ca/service-ca.crt, mounted from ConfigMap service-ca-bundle, which
 * pkg/operator/controller/ingress/serviceca_configmap.go annotates service.beta.openshift.io/inject-cabundle. What the pod
 * presents: the Service CA certificate when its Service carries the serving-cert annotation, or a cert-manager
 * Certificate in its namespace whose dnsNames name the Service.
 */
export const routeTrustRule: VerifyRule = {
  id: "route-trust",
  hop: "trust",
  needs: ["services", "secrets"],
  reads: ["route.openshift.io/Route", "v1/Service", "cert-manager.io/Certificate", "cert-manager.io/Issuer", "cert-manager.io/ClusterIssuer"],
  codes: ["MS5040", "MS5080"],
  models: "OpenShift router reencrypt destination CA; cert-utils-operator destinationCA-from-secret; cert-manager ca.crt of CA and selfSigned issuers",
  run({ index }) {
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const route of index.list("route.openshift.io/Route")) {
      if (route.partial || str(route.body, "spec", "tls", "termination") !== "reencrypt") continue;
      const serviceName = str(route.body, "spec", "to", "name") ?? "";
      const base = { rule: this.id, from: `router (${describe(route)})`, to: `pods of Service ${route.namespace}/${serviceName}`, port: "-" };
      const trusted = routerTrust(index, route);
      const presented = podCertificates(index, route.namespace, serviceName);
      if (presented.length === 0) {
        paths.push({ ...base, client: `trusts ${trusted.label}`, server: "?", result: "not checked", reason: missing("no serving certificate for the Service in what was read", "services") });
        continue;
      }
      const server = `presents a certificate from ${presented.map((p) => p.label).join(" or ")}`;
      if (!trusted.known || presented.some((p) => !p.known) || (trusted.id === "inline" && presented.some((p) => !p.pem))) {
        paths.push({ ...base, client: `trusts ${trusted.label}`, server, result: "not checked", reason: missing("an authority on this hop is not in what was read (an inline CA is compared with the pods' CA certificate)", "secrets") });
        continue;
      }
      const covered = presented.filter((p) => covers(trusted, p));
      if (covered.length === presented.length) paths.push({ ...base, client: `trusts ${trusted.label}`, server, result: "ok" });
      else if (covered.length > 0) paths.push({ ...base, client: `trusts ${trusted.label}`, server, result: "not checked", reason: missing("the Service has more than one serving certificate; which one the pod mounts is not known", "workloads") });
      else {
        const said = say.MS5040(trusted.label, describe(route), presented.map((p) => p.label));
        paths.push({ ...base, client: `trusts ${trusted.label}`, server, result: "broken", reason: said.message });
        findings.push({
          ...said,
          object: route,
          path: annotations(route)[DEST_CA_FROM_SECRET] ? ["metadata", "annotations", DEST_CA_FROM_SECRET] : ["spec", "tls"],
        });
      }
    }
    checkRotation(index, paths, findings, this.id);
    return { paths, findings };
  },
};

/**
 * During a CA rotation every consumer must hold both roots before any pod presents the new chain. cert-utils-operator
 * (redhat-cop/cert-utils-operator controllers/route/route_controller.go) copies the `ca.crt` of the Secret named by
 * `destinationCA-from-secret` into the Route whenever the Secret changes; cert-manager's CA issuer writes into each
 * issued Secret's `ca.crt` only the root of the chain that signed it (cert-manager pkg/util/kube/pki.go
 * SecretTLSKeyPairAndCA, pkg/controller/certificaterequests/ca/ca.go Sign). So the router holds one root while pods
 * roll over. A rotation is recognised by content: a PEM bundle read (a ConfigMap's data, a Secret's decoded value)
 * carries a certificate of the pods' issuer's CA Secret and one of another CA Secret read (one with a tls.key).
 */
function checkRotation(index: ObjectIndex, paths: VerifyPath[], findings: VerifyFinding[], rule: string): void {
  const caSecrets = index.list("/Secret").filter((s) => !s.partial && secretValue(s, "tls.key") !== undefined).map((s) => ({ secret: s, fps: [...pemFingerprints(secretValue(s, "tls.crt")), ...pemFingerprints(secretValue(s, "ca.crt"))] })).filter((c) => c.fps.length > 0);
  if (caSecrets.length < 2) return;
  const bundles: Array<{ where: string; fps: string[] }> = [];
  for (const cm of index.list("/ConfigMap")) for (const [k, v] of Object.entries(isObject(cm.body["data"]) ? cm.body["data"] : {})) if (typeof v === "string") bundles.push({ where: `ConfigMap ${cm.namespace ?? "default"}/${cm.name} (${k})`, fps: pemFingerprints(v) });
  for (const s of index.list("/Secret")) for (const k of Object.keys(isObject(s.body["data"]) ? s.body["data"] : {})) bundles.push({ where: `Secret ${s.namespace ?? "default"}/${s.name} (${k})`, fps: pemFingerprints(secretValue(s, k)) });
  for (const route of index.list("route.openshift.io/Route")) {
    const fromSecret = annotations(route)[DEST_CA_FROM_SECRET];
    if (route.partial || !fromSecret || str(route.body, "spec", "tls", "termination") !== "reencrypt") continue;
    const writer = index.list("cert-manager.io/Certificate", route.namespace).find((c) => str(c.body, "spec", "secretName") === fromSecret);
    const authority = writer ? authorityOfCertificate(index, writer) : undefined;
    if (!authority?.pem) continue;
    const own = authority.pem;
    const partner = caSecrets.find((c) => !c.fps.some((f) => own.includes(f)) && bundles.some((b) => b.fps.some((f) => own.includes(f)) && b.fps.some((f) => c.fps.includes(f))));
    if (!partner) continue;
    const both = bundles.find((b) => b.fps.some((f) => own.includes(f)) && b.fps.some((f) => partner.fps.includes(f)));
    const said = say.MS5080(both?.where ?? "a bundle", authority.label, `${partner.secret.namespace ?? "default"}/${partner.secret.name}`, describe(route), `${route.namespace}/${fromSecret}`);
    paths.push({ rule, from: `router (${describe(route)})`, to: `pods of Service ${route.namespace}/${str(route.body, "spec", "to", "name") ?? ""}`, port: "-", client: `trusts ca.crt of Secret ${route.namespace}/${fromSecret} (one root)`, server: "pods presenting either root during the rotation", result: "broken", reason: said.message });
    findings.push({ ...said, object: route, path: ["metadata", "annotations", DEST_CA_FROM_SECRET] });
  }
}

function routerTrust(index: ObjectIndex, route: KubeObject): Authority {
  const inline = field(route.body, "spec", "tls", "destinationCACertificate");
  if (inline !== undefined) {
    // Compared by content: the pods' CA must be at hand as PEM (its Secret read with --secrets-dir).
    const pem = pemFingerprints(typeof inline === "string" ? inline : undefined);
    return { id: "inline", label: `the inline destinationCACertificate (${pem.length} certificate(s))`, known: pem.length > 0, ...(pem.length > 0 ? { pem } : {}) };
  }
  const fromSecret = annotations(route)[DEST_CA_FROM_SECRET];
  if (fromSecret) {
    // cert-manager writes the issuing CA into ca.crt for ca and selfSigned issuers; that is what cert-utils copies.
    const writer = index.list("cert-manager.io/Certificate", route.namespace).find((c) => str(c.body, "spec", "secretName") === fromSecret);
    if (!writer) return { id: `secret:${fromSecret}`, label: `ca.crt of Secret ${route.namespace}/${fromSecret} (its writer was not read)`, known: false };
    const authority = authorityOfCertificate(index, writer);
    return { ...authority, label: `ca.crt of Secret ${route.namespace}/${fromSecret}: ${authority.label}` };
  }
  return SERVICE_CA;
}
