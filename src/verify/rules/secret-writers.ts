import { annotations, describe, str } from "../object-index.js";
import type { KubeObject } from "../object-index.js";
import type { VerifyFinding, VerifyPath, VerifyRule } from "../rule.js";
import { compareText } from "../../util/compare.js";
import { say } from "../../diagnostics/messages.js";

interface Writer {
  object: KubeObject;
  path: (string | number)[];
  who: string;
  /** Adds keys to a Secret another controller writes, rather than writing the Secret itself. */
  addsKeys?: boolean;
  /** Keeps only its own keys (the Service CA keeps tls.crt and tls.key and removes the rest). */
  ownsAllKeys?: boolean;
}

const JAVA_KEYSTORES = "cert-utils-operator.redhat-cop.io/generate-java-keystores";

const SERVING_CERT = ["service.beta.openshift.io/serving-cert-secret-name", "service.alpha.openshift.io/serving-cert-secret-name"];

/**
 * Every Secret has one writer. Writers modelled:
 * - the Service CA controller, for a Service annotated `service.beta.openshift.io/serving-cert-secret-name`
 *   (it re-issues into a Secret it did not sign, so a second writer makes the two fight);
 * - cert-manager, for a Certificate's `spec.secretName`;
 * - cert-manager openshift-routes, for a Route annotated `cert-manager.io/issuer-name` (or `cert-manager.io/issuer`):
 *   since v0.7.0 it creates its own Certificate `<route>-cert` with `secretName: <route>-tls`
 *   (cert-manager/openshift-routes internal/controller/sync.go buildNextCert, `safeKubernetesNameAppend(route.Name, "tls")`);
 * - Argo CD, for a Secret emitted whole, and the sealed-secrets controller for a SealedSecret of the same
 *   namespace and name (bitnami-labs/sealed-secrets pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go
 *   Unseal: secret.SetNamespace/SetName from the SealedSecret's own metadata, whatever spec.template.metadata says).
 * cert-utils-operator writes Routes for certs-from-secret and destinationCA-from-secret; into a Secret annotated
 * `generate-java-keystores: "true"` (directly, or through a Certificate's secretTemplate) it adds keystore.jks and
 * truststore.jks (redhat-cop/cert-utils-operator README, "Creating java keystore and truststore"). That is
 * compatible with cert-manager, but not with the Service CA, which keeps only tls.crt and tls.key in its Secret
 * (DESIGN.md), so the two rewrite the Secret in turn.
 */
export const secretWritersRule: VerifyRule = {
  id: "secret-writers",
  hop: "secrets",
  needs: ["secrets"],
  reads: ["v1/Service", "cert-manager.io/Certificate", "route.openshift.io/Route", "v1/Secret", "bitnami.com/SealedSecret", "cert-utils-operator annotations"],
  codes: ["MS5035"],
  models: "service-ca-operator serving-cert controller; cert-manager Certificate secretName; cert-manager/openshift-routes sync.go buildNextCert",
  run({ index }) {
    const writers = new Map<string, Writer[]>();
    const add = (namespace: string | undefined, name: string | undefined, writer: Writer): void => {
      if (!name) return;
      const key = `${namespace ?? "default"}/${name}`;
      const list = writers.get(key) ?? [];
      if (!list.some((w) => w.object === writer.object && w.who === writer.who)) list.push(writer);
      writers.set(key, list);
    };
    for (const service of index.list("/Service")) {
      const a = annotations(service);
      const key = SERVING_CERT.find((k) => a[k]);
      if (key) add(service.namespace, a[key], { object: service, path: ["metadata", "annotations", key], who: `the Service CA (${describe(service)})`, ownsAllKeys: true });
    }
    for (const cert of index.list("cert-manager.io/Certificate")) {
      add(cert.namespace, str(cert.body, "spec", "secretName"), { object: cert, path: ["spec", "secretName"], who: `cert-manager (${describe(cert)})` });
      if (str(cert.body, "spec", "secretTemplate", "annotations", JAVA_KEYSTORES) === "true") {
        add(cert.namespace, str(cert.body, "spec", "secretName"), { object: cert, path: ["spec", "secretTemplate", "annotations", JAVA_KEYSTORES], who: `cert-utils-operator keystores (${describe(cert)} secretTemplate)`, addsKeys: true });
      }
    }
    for (const route of index.list("route.openshift.io/Route")) {
      const a = annotations(route);
      const key = ["cert-manager.io/issuer-name", "cert-manager.io/issuer"].find((k) => a[k]);
      if (key) add(route.namespace, `${route.name}-tls`, { object: route, path: ["metadata", "annotations", key], who: `cert-manager openshift-routes (${describe(route)}, through Certificate ${route.name}-cert)` });
    }
    for (const secret of index.list("/Secret")) {
      if (!secret.partial) add(secret.namespace, secret.name, { object: secret, path: ["metadata", "name"], who: `Argo CD (${describe(secret)} emitted whole)` });
      if (annotations(secret)[JAVA_KEYSTORES] === "true") add(secret.namespace, secret.name, { object: secret, path: ["metadata", "annotations", JAVA_KEYSTORES], who: `cert-utils-operator keystores (${describe(secret)})`, addsKeys: true });
    }
    for (const sealed of index.list("bitnami.com/SealedSecret")) {
      add(sealed.namespace, sealed.name, { object: sealed, path: ["metadata", "name"], who: `sealed-secrets (${describe(sealed)})` });
    }
    const paths: VerifyPath[] = [];
    const findings: VerifyFinding[] = [];
    for (const [key, list] of [...writers.entries()].sort(([a], [b]) => compareText(a, b))) {
      const sorted = list.sort((a, b) => compareText(a.who, b.who));
      const row = { rule: this.id, from: sorted.map((w) => w.who).join("; "), to: `Secret ${key}`, port: "-", client: "writes tls.crt / tls.key", server: `${sorted.length} writer${sorted.length === 1 ? "" : "s"}` };
      const full = sorted.filter((w) => !w.addsKeys);
      const conflict = full.length > 1 || (sorted.some((w) => w.addsKeys) && full.some((w) => w.ownsAllKeys));
      if (!conflict) {
        paths.push({ ...row, result: "ok" });
        continue;
      }
      const said = say.MS5035(key, full.length > 1 ? { writers: full.map((w) => w.who) } : { keepsOnlyItsKeys: full.find((w) => w.ownsAllKeys)?.who ?? "its writer" });
      paths.push({ ...row, result: "broken", reason: said.message });
      const first = full.length > 1 ? full[0] : sorted.find((w) => w.addsKeys);
      if (first) findings.push({ ...said, object: first.object, path: first.path });
    }
    return { paths, findings };
  },
};
