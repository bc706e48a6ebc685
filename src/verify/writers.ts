import { isObject } from "./manifests.js";
import { annotations, describe, field, labels, str } from "./object-index.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";
import { selectorMatches } from "./selectors.js";
import { compareText } from "../util/compare.js";

/** Something that writes a Secret or ConfigMap, and the keys it writes. */
export interface DataWriter {
  /** The controller and the object it writes from, e.g. `cert-manager (Certificate demo/web)`. */
  who: string;
  object?: KubeObject;
  /** The field of `object` that declares the write: where a finding about this writer points. */
  path?: (string | number)[];
  keys: Set<string>;
  /** Adds keys to a Secret another writer writes (cert-utils-operator keystores), rather than writing it. */
  addsKeys?: boolean;
  /** Keeps only its own keys (the Service CA keeps tls.crt and tls.key and removes the rest). */
  ownsAllKeys?: boolean;
}

const SERVING_CERT = ["service.beta.openshift.io/serving-cert-secret-name", "service.alpha.openshift.io/serving-cert-secret-name"];
const JAVA_KEYSTORES = "cert-utils-operator.redhat-cop.io/generate-java-keystores";

/**
 * The keys cert-manager writes into a Certificate's Secret, read in cert-manager/cert-manager
 * pkg/controller/certificates/issuing/internal/secret.go SecretsManager.setValues: tls.crt and tls.key always, ca.crt
 * (pkg/apis/meta/v1/types.go TLSCAKey) only when the issuer returned a CA (`len(data.CA) > 0`); setKeystores:
 * `keystores.pkcs12.create` → keystore.p12, plus truststore.p12 when there is a CA, and `keystores.jks.create` →
 * keystore.jks, plus truststore.jks when there is a CA (pkg/apis/certmanager/v1/types.go PKCS12SecretKey /
 * PKCS12TruststoreKey / JKSSecretKey / JKSTruststoreKey); setAdditionalOutputFormats: CombinedPEM → tls-combined.pem,
 * DER → key.der (pkg/apis/certmanager/v1/types_certificate.go CertificateOutputFormatCombinedPEMKey / DERKey). The ACME
 * issuer returns no CA (pkg/controller/certificaterequests/acme/acme.go Sign: IssueResponse{Certificate} only), so a
 * Certificate whose issuer is known to be ACME (`acme`) gets neither ca.crt nor the truststores.
 */
export function certificateKeys(cert: KubeObject, acme = false): Set<string> {
  const keys = new Set(acme ? ["tls.crt", "tls.key"] : ["tls.crt", "tls.key", "ca.crt"]);
  if (field(cert.body, "spec", "keystores", "pkcs12", "create") === true) (acme ? ["keystore.p12"] : ["keystore.p12", "truststore.p12"]).forEach((k) => keys.add(k));
  if (field(cert.body, "spec", "keystores", "jks", "create") === true) (acme ? ["keystore.jks"] : ["keystore.jks", "truststore.jks"]).forEach((k) => keys.add(k));
  const formats = field(cert.body, "spec", "additionalOutputFormats");
  for (const f of Array.isArray(formats) ? formats : []) {
    if (field(f, "type") === "CombinedPEM") keys.add("tls-combined.pem");
    if (field(f, "type") === "DER") keys.add("key.der");
  }
  return keys;
}

/**
 * Whether a Certificate's issuerRef resolves, in what was read, to an ACME issuer. cert-manager/cert-manager
 * pkg/issuer/helper.go GetGenericIssuer: kind "" or Issuer → an Issuer in the Certificate's namespace, ClusterIssuer →
 * cluster-wide; pkg/controller/certificaterequests/sync.go serves only group "" or cert-manager.io.
 */
export function issuedByAcme(index: ObjectIndex, cert: KubeObject): boolean {
  const group = str(cert.body, "spec", "issuerRef", "group") ?? "cert-manager.io";
  if (group !== "cert-manager.io") return false;
  const kind = str(cert.body, "spec", "issuerRef", "kind") ?? "Issuer";
  const name = str(cert.body, "spec", "issuerRef", "name") ?? "";
  const issuer = kind === "ClusterIssuer" ? index.get("cert-manager.io/ClusterIssuer", undefined, name) : kind === "Issuer" ? index.get("cert-manager.io/Issuer", cert.namespace ?? "default", name) : undefined;
  return issuer !== undefined && isObject(field(issuer.body, "spec", "acme"));
}

/** The labels a namespace carries as far as read: its own labels and `kubernetes.io/metadata.name` (set by the API server). */
export function namespaceLabels(index: ObjectIndex, namespace: string): { labels: Record<string, string>; known: boolean } {
  const ns = index.get("/Namespace", undefined, namespace);
  return { labels: { ...(ns ? labels(ns) : {}), "kubernetes.io/metadata.name": namespace }, known: ns !== undefined && !ns.partial };
}

/**
 * Writers of Secret `namespace/name`, with the keys each writes and the field that declares each write. Every
 * writer is named by its controller:
 * - the Service CA, for a Service annotated `service.beta.openshift.io/serving-cert-secret-name` (or alpha); it
 *   keeps only its own keys;
 * - cert-manager, for a Certificate's `spec.secretName`;
 * - cert-manager openshift-routes, for a Route annotated `cert-manager.io/issuer-name` (or `cert-manager.io/issuer`);
 * - Argo CD, for a Secret emitted whole;
 * - trust-manager, for a Bundle's `target.secret` in the namespaces it selects;
 * - the sealed-secrets controller, for a SealedSecret of that namespace and name;
 * - cert-utils-operator, which adds keystore.jks and truststore.jks to a Secret annotated
 *   `generate-java-keystores: "true"`, directly or through a Certificate's secretTemplate (redhat-cop/cert-utils-operator
 *   README, "Creating java keystore and truststore"); it adds keys to a Secret another writer writes.
 */
export function secretWriters(index: ObjectIndex, namespace: string, name: string): DataWriter[] {
  const out: DataWriter[] = [];
  const keystores = (object: KubeObject, path: (string | number)[], who: string): void => {
    if (str(object.body, ...path) === "true") out.push({ who: `cert-utils-operator keystores (${who})`, object, path, keys: new Set(["keystore.jks", "truststore.jks"]), addsKeys: true });
  };
  for (const service of index.list("/Service", namespace)) {
    const a = annotations(service);
    // openshift/service-ca-operator pkg/controller/servingcert/controller/serving_cert_issuer.go toRequiredSecret: the
    // Secret's data is set to exactly tls.crt and tls.key (secret_updating_controller.go keeps only those two).
    const key = SERVING_CERT.find((k) => a[k] === name);
    if (key) out.push({ who: `the Service CA (${describe(service)})`, object: service, path: ["metadata", "annotations", key], keys: new Set(["tls.crt", "tls.key"]), ownsAllKeys: true });
  }
  for (const cert of index.list("cert-manager.io/Certificate", namespace)) {
    if (str(cert.body, "spec", "secretName") !== name) continue;
    out.push({ who: `cert-manager (${describe(cert)})`, object: cert, path: ["spec", "secretName"], keys: certificateKeys(cert, issuedByAcme(index, cert)) });
    keystores(cert, ["spec", "secretTemplate", "annotations", JAVA_KEYSTORES], `${describe(cert)} secretTemplate`);
  }
  for (const route of index.list("route.openshift.io/Route", namespace)) {
    const a = annotations(route);
    // cert-manager/openshift-routes internal/controller/sync.go buildNextCert: since v0.7.0 it creates its own
    // Certificate <route>-cert with secretName <route>-tls (`safeKubernetesNameAppend(route.Name, "tls")`).
    const key = ["cert-manager.io/issuer-name", "cert-manager.io/issuer"].find((k) => a[k]);
    if (key && `${route.name}-tls` === name) out.push({ who: `cert-manager openshift-routes (${describe(route)}, through Certificate ${route.name}-cert)`, object: route, path: ["metadata", "annotations", key], keys: new Set(["tls.crt", "tls.key", "ca.crt"]) });
  }
  const secret = index.get("/Secret", namespace, name);
  if (secret && !secret.partial) {
    const keys = new Set([...Object.keys(isObject(secret.body["data"]) ? secret.body["data"] : {}), ...Object.keys(isObject(secret.body["stringData"]) ? secret.body["stringData"] : {})]);
    out.push({ who: `Argo CD (${describe(secret)} emitted whole)`, object: secret, path: ["metadata", "name"], keys });
  }
  if (secret) keystores(secret, ["metadata", "annotations", JAVA_KEYSTORES], describe(secret));
  // cert-manager/trust-manager pkg/bundle/bundle.go reconcileBundle names each target after the Bundle
  // (types.NamespacedName{Name: bundle.Name, Namespace: <each selected namespace>}); pkg/bundle/internal/target/target.go
  // applySecret writes target.secret.key (the PEM bundle) and, through binaryData, target.additionalFormats.jks.key and
  // .pkcs12.key (user-chosen keys; pkcs12 since v0.7.0, types_bundle.go).
  const bundle = index.get("trust.cert-manager.io/Bundle", undefined, name);
  const secretKey = str(bundle?.body, "spec", "target", "secret", "key");
  if (bundle && secretKey && bundleSelects(index, bundle, namespace)) out.push({ who: `trust-manager (${describe(bundle)})`, object: bundle, path: ["spec", "target", "secret", "key"], keys: new Set([secretKey, ...bundleFormatKeys(bundle)]) });
  // bitnami-labs/sealed-secrets pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go Unseal (read at 86671a8): the
  // Secret takes the SealedSecret's own namespace and name (SetNamespace/SetName after decoding); its keys are
  // spec.encryptedData's and spec.template.data's (each rendered as a Go template over the decrypted values).
  const sealed = index.get("bitnami.com/SealedSecret", namespace, name);
  if (sealed) {
    const enc = field(sealed.body, "spec", "encryptedData");
    const tpl = field(sealed.body, "spec", "template", "data");
    out.push({ who: `sealed-secrets (${describe(sealed)})`, object: sealed, path: ["metadata", "name"], keys: new Set([...Object.keys(isObject(enc) ? enc : {}), ...Object.keys(isObject(tpl) ? tpl : {})]) });
  }
  return out;
}

/** Writers of ConfigMap `namespace/name`, with the keys each writes. */
export function configMapWriters(index: ObjectIndex, namespace: string, name: string): DataWriter[] {
  const out: DataWriter[] = [];
  // Every namespace gets kube-root-ca.crt (kube-controller-manager root-ca-cert-publisher: ca.crt) and, on
  // OpenShift, openshift-service-ca.crt (service-ca-operator pkg/controller/cabundleinjector/configmap.go
  // newVulnerableLegacyConfigMapInjectorConfig: that name only, key api.InjectionDataKey = service-ca.crt).
  if (name === "kube-root-ca.crt") out.push({ who: "kube-controller-manager (every namespace)", keys: new Set(["ca.crt"]) });
  if (name === "openshift-service-ca.crt") out.push({ who: "the Service CA (every namespace)", keys: new Set(["service-ca.crt"]) });
  const configMap = index.get("/ConfigMap", namespace, name);
  if (configMap) {
    // openshift/service-ca-operator pkg/controller/cabundleinjector/starter.go annotationsChecker: the beta or alpha
    // inject-cabundle annotation, value "true" case-insensitively (pkg/controller/api/api.go InjectCABundleAnnotationName,
    // AlphaInjectCABundleAnnotationName); configmap.go configMapCABundleInjector.Sync then REPLACES data with
    // {service-ca.crt: <bundle>} (api.InjectionDataKey), so the ConfigMap's other data keys are gone (binaryData stays).
    const a = annotations(configMap);
    const injected = ["service.beta.openshift.io/inject-cabundle", "service.alpha.openshift.io/inject-cabundle"].some((k) => (a[k] ?? "").toLowerCase() === "true");
    const keys = new Set<string>();
    if (!configMap.partial) for (const k of injected ? ["binaryData"] : ["data", "binaryData"]) Object.keys(isObject(configMap.body[k]) ? configMap.body[k] : {}).forEach((key) => keys.add(key));
    if (injected) keys.add("service-ca.crt");
    if (!configMap.partial || keys.size > 0) out.push({ who: describe(configMap), object: configMap, keys });
  }
  // cert-manager/trust-manager pkg/bundle/bundle.go reconcileBundle: ConfigMap <bundle name> in every namespace the
  // target.namespaceSelector selects (all namespaces without one); pkg/bundle/internal/target/target.go applyConfigMap
  // writes data[target.configMap.key] and binaryData[additionalFormats.jks.key / .pkcs12.key] (binaryData()).
  const bundle = index.get("trust.cert-manager.io/Bundle", undefined, name);
  const key = str(bundle?.body, "spec", "target", "configMap", "key");
  if (bundle && key && bundleSelects(index, bundle, namespace)) out.push({ who: `trust-manager (${describe(bundle)})`, object: bundle, keys: new Set([key, ...bundleFormatKeys(bundle)]) });
  return out;
}

/**
 * The Secrets that something read writes, `namespace/name` → its writers, in name order. A Secret written only by
 * a trust-manager Bundle has one writer and is left out (which namespaces a Bundle selects is asked per Secret).
 */
export function allSecretWriters(index: ObjectIndex): Map<string, DataWriter[]> {
  const names = new Set<string>();
  const add = (namespace: string | undefined, name: string | undefined): void => {
    if (name) names.add(`${namespace ?? "default"}/${name}`);
  };
  for (const service of index.list("/Service")) for (const k of SERVING_CERT) add(service.namespace, annotations(service)[k]);
  for (const cert of index.list("cert-manager.io/Certificate")) add(cert.namespace, str(cert.body, "spec", "secretName"));
  for (const route of index.list("route.openshift.io/Route")) add(route.namespace, `${route.name}-tls`);
  for (const object of [...index.list("/Secret"), ...index.list("bitnami.com/SealedSecret")]) add(object.namespace, object.name);
  const out = new Map<string, DataWriter[]>();
  for (const key of [...names].sort(compareText)) {
    const [namespace = "", name = ""] = key.split("/");
    const writers = secretWriters(index, namespace, name);
    if (writers.length > 0) out.set(key, writers);
  }
  return out;
}

/** Keys written by any writer; undefined when nothing read writes it (keys added to a Secret nobody writes do not make it). */
export function writtenKeys(writers: readonly DataWriter[]): Set<string> | undefined {
  return writers.every((w) => w.addsKeys) ? undefined : new Set(writers.flatMap((w) => [...w.keys]));
}

/** Whether a Bundle's target.namespaceSelector selects a namespace; a selector on labels other than the name is taken to select when the Namespace was not read. */
function bundleSelects(index: ObjectIndex, bundle: KubeObject, namespace: string): boolean {
  const selector = field(bundle.body, "spec", "target", "namespaceSelector");
  const ns = namespaceLabels(index, namespace);
  return !(ns.known || onlyNameKeys(selector)) || selectorMatches(selector, ns.labels);
}

/** The keys of a Bundle's target.additionalFormats (jks, pkcs12). */
function bundleFormatKeys(bundle: KubeObject): string[] {
  return ["jks", "pkcs12"].flatMap((f) => {
    const k = str(bundle.body, "spec", "target", "additionalFormats", f, "key");
    return k ? [k] : [];
  });
}

function onlyNameKeys(selector: unknown): boolean {
  if (!isObject(selector)) return true;
  const keys = [...Object.keys(isObject(selector["matchLabels"]) ? selector["matchLabels"] : {}), ...(Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"].map((e) => String(field(e, "key"))) : [])];
  return keys.every((k) => k === "kubernetes.io/metadata.name");
}
