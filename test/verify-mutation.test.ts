import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseAllDocuments, stringify } from "yaml";
import { classifyFiles } from "../src/verify/manifests.js";
import { verifyTree } from "../src/verify/verify.js";
import type { VerifyResult } from "../src/verify/verify.js";
import { EXAMPLES_DIR, readTree } from "./helpers/examples.js";

// The mutation score of `verify`: realistic hand edits and compiler slips, each a semantic edit of the
// parsed objects of an example's committed output (or of the application's own manifests, `--with`), must each be
// reported broken with the expected code at the expected file and a line; every unmodified output, read with the
// application manifests, must verify with no broken path and no diagnostic (zero false positives).

const APPS_DIR = join("test", "fixtures", "verify-apps");
const EXAMPLES = ["issuer-dns01-providers", "end-to-end-encryption", "mesh-sail", "mesh-maistra-v2", "sealed-secrets-gitops", "route-external-certificate", "issuer-acme-http01", "issuer-selfsigned-namespaced", "knative-transport-encryption", "service-ca-basics"];

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Input {
  output: Map<string, string>;
  apps: Map<string, string>;
}

function load(example: string): Input {
  return { output: readTree(join(EXAMPLES_DIR, example, "expected")), apps: readTree(join(APPS_DIR, example)) };
}

/** Apply `fn` to the document `index` of a file (parsed, edited as an object, written back). */
function mutate(tree: Map<string, string>, file: string, fn: (o: Obj) => void, index = 0): void {
  const text = tree.get(file);
  assert.ok(text !== undefined, `no file ${file}`);
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Obj);
  const before = JSON.stringify(docs[index]);
  fn(docs[index] as Obj);
  assert.ok(JSON.stringify(docs[index]) !== before, `${file}: the edit changes the object`);
  tree.set(file, docs.map((d) => stringify(d)).join("---\n"));
}

function run(input: Input): VerifyResult {
  return verifyTree(input.output, classifyFiles(input.apps, "with"));
}

interface Mutation {
  edit: string;
  hop: string;
  example: string;
  /** Where the edit is: `out:<file>` (the output) or `app:<file>` (the application's manifests). */
  where: string;
  doc?: number;
  fn: (o: Obj) => void;
  /** The code expected, and the file it must be placed in (`out:`/`app:` relative paths). */
  code: string;
  at: string;
}

const E2E = "end-to-end-encryption";
const SAIL = "mesh-sail";
const MV2 = "mesh-maistra-v2";
const SEALED = "sealed-secrets-gitops";
const EXT = "route-external-certificate";
const cust = "out:patches/demo/deployment-customer.yaml";
const pref = "out:patches/demo/deployment-preference-v1.yaml";
const webPatch = "out:patches/storefront/deployment-web.yaml";

const MUTATIONS: Mutation[] = [
  // kubelet
  { edit: "projected key ca.crt → tls.crt (the Bundle writes only ca.crt)", hop: "kubelet", example: E2E, where: cust, fn: (o) => (o.spec.template.spec.volumes[1].projected.sources[0].configMap.items[0].key = "tls.crt"), code: "MS5051", at: cust },
  { edit: "mounted Secret name misspelt", hop: "kubelet", example: E2E, where: cust, fn: (o) => (o.spec.template.spec.volumes[0].secret.secretName = "service-custmer"), code: "MS5050", at: cust },
  { edit: "patched container name that the Deployment lacks", hop: "kubelet", example: E2E, where: cust, fn: (o) => (o.spec.template.spec.containers[0].name = "customer-app"), code: "MS5052", at: cust },
  { edit: "two mounts on one path", hop: "kubelet", example: E2E, where: pref, fn: (o) => (o.spec.template.spec.containers[0].volumeMounts[1].mountPath = "/etc/mesh-security/trust"), code: "MS5053", at: pref },
  { edit: "trust ConfigMap name misspelt", hop: "kubelet", example: E2E, where: pref, fn: (o) => (o.spec.template.spec.volumes[1].projected.sources[0].configMap.name = "trust-intern"), code: "MS5050", at: pref },
  { edit: "Service CA bundle key service-ca.crt → ca.crt", hop: "kubelet", example: SAIL, where: webPatch, fn: (o) => (o.spec.template.spec.volumes[0].projected.sources[0].configMap.items[0].key = "ca.crt"), code: "MS5051", at: webPatch },
  { edit: "trust ConfigMap of another name", hop: "kubelet", example: SAIL, where: webPatch, fn: (o) => (o.spec.template.spec.volumes[0].projected.sources[0].configMap.name = "service-ca-bundle"), code: "MS5050", at: webPatch },
  { edit: "StatefulSet patch names a container the StatefulSet lacks", hop: "kubelet", example: SAIL, where: "out:patches/batch/statefulset-reports.yaml", fn: (o) => (o.spec.template.spec.containers[0].name = "reports-main"), code: "MS5052", at: "out:patches/batch/statefulset-reports.yaml" },
  { edit: "inject-cabundle annotation dropped from the trust ConfigMap", hop: "kubelet", example: SAIL, where: "out:storefront/configmap-service-ca-trust.yaml", fn: (o) => delete o.metadata.annotations["service.beta.openshift.io/inject-cabundle"], code: "MS5051", at: webPatch },
  { edit: "Certificate writes another Secret than the pod mounts", hop: "kubelet", example: E2E, where: "out:demo/certificate-customer.yaml", fn: (o) => (o.spec.secretName = "customer-tls"), code: "MS5050", at: cust },
  { edit: "trust Bundle writes another key than the pods project", hop: "kubelet", example: E2E, where: "out:cluster/bundle-trust-internal.yaml", fn: (o) => (o.spec.target.configMap.key = "root-certs.pem"), code: "MS5051", at: cust },
  // Secret writers and readers
  { edit: "certs-from-secret names a Secret nothing writes", hop: "secrets", example: E2E, where: "out:demo/route-customer.yaml", fn: (o) => (o.metadata.annotations["cert-utils-operator.redhat-cop.io/certs-from-secret"] = "route-custmer"), code: "MS5055", at: "out:demo/route-customer.yaml" },
  { edit: "destinationCA-from-secret names a Secret nothing writes", hop: "secrets", example: E2E, where: "out:demo/route-customer.yaml", fn: (o) => (o.metadata.annotations["cert-utils-operator.redhat-cop.io/destinationCA-from-secret"] = "service-custmer"), code: "MS5055", at: "out:demo/route-customer.yaml" },
  { edit: "externalCertificate names another Secret", hop: "secrets", example: EXT, where: "out:billing/route-invoices.yaml", fn: (o) => (o.spec.tls.externalCertificate.name = "invoices-cert"), code: "MS5055", at: "out:billing/route-invoices.yaml" },
  { edit: "router Role without watch", hop: "secrets", example: EXT, where: "out:billing/role-invoices-router-cert-reader.yaml", fn: (o) => (o.rules[0].verbs = ["get", "list"]), code: "MS5056", at: "out:billing/role-invoices-router-cert-reader.yaml" },
  { edit: "RoleBinding to the router of another namespace", hop: "secrets", example: EXT, where: "out:billing/rolebinding-status-page-router-cert-reader.yaml", fn: (o) => (o.subjects[0].namespace = "openshift-ingress-operator"), code: "MS5056", at: "out:billing/rolebinding-status-page-router-cert-reader.yaml" },
  { edit: "Reloader annotation names a Secret the pod does not mount", hop: "secrets", example: E2E, where: cust, fn: (o) => (o.metadata.annotations["secret.reloader.stakater.com/reload"] = "route-customer"), code: "MS5057", at: cust },
  { edit: "Reloader ConfigMap annotation misspelt", hop: "secrets", example: E2E, where: pref, fn: (o) => (o.metadata.annotations["configmap.reloader.stakater.com/reload"] = "trust-interna"), code: "MS5057", at: pref },
  { edit: "SealedSecret renamed (≠ its template)", hop: "secrets", example: SEALED, where: "out:cert-manager/sealedsecret-orders-ca-ca.yaml", fn: (o) => (o.metadata.name = "orders-ca"), code: "MS5058", at: "out:cert-manager/sealedsecret-orders-ca-ca.yaml" },
  { edit: "SealedSecret moved to another namespace", hop: "secrets", example: SEALED, where: "out:istio-system/sealedsecret-cacerts.yaml", fn: (o) => (o.metadata.namespace = "openshift-istio"), code: "MS5058", at: "out:istio-system/sealedsecret-cacerts.yaml" },
  { edit: "keystore passwordSecretRef names a key the Secret does not hold", hop: "secrets", example: E2E, where: "out:demo/certificate-customer.yaml", fn: (o) => (o.spec.keystores.pkcs12.passwordSecretRef.key = "keystore-password"), code: "MS5059", at: "out:demo/certificate-customer.yaml" },
  { edit: "SealedSecret template sealed for another name", hop: "secrets", example: SEALED, where: "out:istio-system/sealedsecret-cacerts.yaml", fn: (o) => (o.spec.template.metadata.name = "cacerts-old"), code: "MS5058", at: "out:istio-system/sealedsecret-cacerts.yaml" },
  { edit: "two writers of one Secret", hop: "secrets", example: EXT, where: "out:billing/certificate-invoices-route.yaml", fn: (o) => (o.spec.secretName = "invoices-tls"), code: "MS5035", at: "out:billing/certificate-invoices-route.yaml" },
  // issuance
  { edit: "issuerRef kind ClusterIssuer → Issuer", hop: "issuance", example: E2E, where: "out:demo/certificate-customer.yaml", fn: (o) => (o.spec.issuerRef.kind = "Issuer"), code: "MS5060", at: "out:demo/certificate-customer.yaml" },
  { edit: "issuerRef group of an external issuer", hop: "issuance", example: E2E, where: "out:demo/certificate-preference.yaml", fn: (o) => (o.spec.issuerRef.group = "cas-issuer.jetstack.io"), code: "MS5060", at: "out:demo/certificate-preference.yaml" },
  { edit: "issuerRef kind Issuer → ClusterIssuer for a namespaced issuer", hop: "issuance", example: "issuer-selfsigned-namespaced", where: "out:payments/certificate-ledger.yaml", fn: (o) => (o.spec.issuerRef.kind = "ClusterIssuer"), code: "MS5060", at: "out:payments/certificate-ledger.yaml" },
  { edit: "ACME route certificate issuerRef kind Issuer", hop: "issuance", example: "issuer-acme-http01", where: "out:storefront/certificate-shop-route.yaml", fn: (o) => (o.spec.issuerRef.kind = "Issuer"), code: "MS5060", at: "out:storefront/certificate-shop-route.yaml" },
  { edit: "DNS-01 route certificate names a namespaced Issuer", hop: "issuance", example: "issuer-dns01-providers", where: "out:web/certificate-api-route.yaml", fn: (o) => (o.spec.issuerRef.kind = "Issuer"), code: "MS5060", at: "out:web/certificate-api-route.yaml" },
  { edit: "Ed25519 key asked of Let's Encrypt", hop: "issuance", example: E2E, where: "out:demo/certificate-customer-route.yaml", fn: (o) => (o.spec.privateKey = { algorithm: "Ed25519", rotationPolicy: "Always" }), code: "MS5061", at: "out:demo/certificate-customer-route.yaml" },
  { edit: "ECDSA P-521 asked of Let's Encrypt", hop: "issuance", example: EXT, where: "out:billing/certificate-invoices-route.yaml", fn: (o) => (o.spec.privateKey.size = 521), code: "MS5061", at: "out:billing/certificate-invoices-route.yaml" },
  { edit: "cluster-internal name asked of Let's Encrypt", hop: "issuance", example: E2E, where: "out:demo/certificate-customer-route.yaml", fn: (o) => o.spec.dnsNames.push("customer.demo.svc"), code: "MS5062", at: "out:demo/certificate-customer-route.yaml" },
  { edit: "SAN <svc>.<ns>.svc removed from a callee's certificate", hop: "issuance", example: E2E, where: "out:demo/certificate-preference.yaml", fn: (o) => (o.spec.dnsNames = o.spec.dnsNames.filter((d: string) => d !== "preference.demo.svc")), code: "MS5063", at: "out:demo/certificate-preference.yaml" },
  { edit: "route certificate for another host", hop: "issuance", example: E2E, where: "out:demo/certificate-customer-route.yaml", fn: (o) => (o.spec.dnsNames = ["shop.apps.example.com"]), code: "MS5063", at: "out:demo/certificate-customer-route.yaml" },
  { edit: "SAN a declared caller dials removed", hop: "issuance", example: E2E, where: "out:demo/certificate-recommendation.yaml", fn: (o) => (o.spec.dnsNames = o.spec.dnsNames.filter((d: string) => d !== "recommendation.demo.svc")), code: "MS5063", at: "out:demo/certificate-recommendation.yaml" },
  { edit: "externalCertificate host not in the route certificate", hop: "issuance", example: EXT, where: "out:billing/route-invoices.yaml", fn: (o) => (o.spec.host = "billing.example.com"), code: "MS5063", at: "out:billing/certificate-invoices-route.yaml" },
  // injection and membership
  { edit: "ServiceMeshMember names another control plane", hop: "injection", example: MV2, where: "out:payments/servicemeshmember-default.yaml", fn: (o) => (o.spec.controlPlaneRef.name = "production"), code: "MS5065", at: "out:payments/servicemeshmember-default.yaml" },
  { edit: "ServiceMeshMember names another control plane namespace", hop: "injection", example: SEALED, where: "out:orders/servicemeshmember-default.yaml", fn: (o) => (o.spec.controlPlaneRef.namespace = "mesh-system"), code: "MS5065", at: "out:orders/servicemeshmember-default.yaml" },
  { edit: "control plane renamed under its members", hop: "injection", example: MV2, where: "out:istio-system/servicemeshcontrolplane-basic.yaml", fn: (o) => (o.metadata.name = "production"), code: "MS5065", at: "out:payments/servicemeshmember-default.yaml" },
  { edit: "Sail Istio renamed: istio-injection: enabled selects no revision", hop: "injection", example: SAIL, where: "out:cluster/istio-default.yaml", fn: (o) => (o.metadata.name = "prod"), code: "MS5066", at: "out:patches/cluster/namespace-storefront.yaml" },
  { edit: "namespace labelled with a revision that does not exist", hop: "injection", example: SAIL, where: "out:patches/cluster/namespace-storefront.yaml", fn: (o) => (o.metadata.labels = { "istio.io/rev": "canary" }), code: "MS5066", at: "out:patches/cluster/namespace-storefront.yaml" },
  { edit: "inject annotation missing on a Maistra pod under STRICT", hop: "injection", example: MV2, where: "app:apps.yaml", fn: (o) => delete o.spec.template.metadata.annotations, code: "MS5067", at: "out:istio-system/servicemeshcontrolplane-basic.yaml" },
  { edit: "pod opts out of injection under an AuthorizationPolicy", hop: "injection", example: SAIL, where: "app:workloads.yaml", doc: 1, fn: (o) => (o.spec.template.metadata.annotations = { "sidecar.istio.io/inject": "false" }), code: "MS5067", at: "out:storefront/authorizationpolicy-cart.yaml" },
  // network
  { edit: "NetworkPolicy drops the router", hop: "network", example: SAIL, where: "app:networkpolicy-storefront.yaml", fn: (o) => o.spec.ingress[0].from.splice(0, 1), code: "MS5070", at: "out:storefront/route-web.yaml" },
  { edit: "NetworkPolicy admits another port", hop: "network", example: SAIL, where: "app:networkpolicy-storefront.yaml", fn: (o) => (o.spec.ingress[0].ports[0].port = 8080), code: "MS5070", at: "out:storefront/route-web.yaml" },
  { edit: "NetworkPolicy drops the declared caller's namespace", hop: "network", example: SAIL, where: "app:networkpolicy-storefront.yaml", fn: (o) => o.spec.ingress[0].from.splice(1, 1), code: "MS5071", at: "out:patches/batch/statefulset-reports.yaml" },
  { edit: "outside-mesh NetworkPolicy admits another port (Maistra member, pods without expose-route)", hop: "network", example: MV2, where: "out:payments/networkpolicy-reports-outside-mesh.yaml", fn: (o) => (o.spec.ingress[0].ports[0].port = 8080), code: "MS5070", at: "app:apps.yaml" },
  // authorization
  { edit: "AuthorizationPolicy selector misses the pods", hop: "authorization", example: SAIL, where: "out:storefront/authorizationpolicy-cart.yaml", fn: (o) => (o.spec.selector.matchLabels.app = "carts"), code: "MS5075", at: "out:storefront/authorizationpolicy-cart.yaml" },
  { edit: "wrong principal (service account) for the declared caller", hop: "authorization", example: SAIL, where: "out:storefront/authorizationpolicy-web.yaml", fn: (o) => (o.spec.rules[0].from[0].source.principals = ["cluster.local/ns/batch/sa/report"]), code: "MS5045", at: "out:storefront/authorizationpolicy-web.yaml" },
  { edit: "caller's pods run as another service account", hop: "authorization", example: SAIL, where: "app:workloads.yaml", fn: (o) => (o.spec.template.spec.serviceAccountName = "frontend"), code: "MS5045", at: "out:storefront/authorizationpolicy-cart.yaml" },
  { edit: "allowed port is the Service port of another port", hop: "authorization", example: SAIL, where: "out:storefront/authorizationpolicy-cart.yaml", fn: (o) => (o.spec.rules[0].to[0].operation.ports = ["443"]), code: "MS5045", at: "out:storefront/authorizationpolicy-cart.yaml" },
  { edit: "ALLOW turned into DENY", hop: "authorization", example: SAIL, where: "out:storefront/authorizationpolicy-cart.yaml", fn: (o) => (o.spec.action = "DENY"), code: "MS5076", at: "out:storefront/authorizationpolicy-cart.yaml" },
  // authentication
  { edit: "router port exception keyed on a port the pod does not listen on", hop: "authentication", example: SAIL, where: "out:storefront/peerauthentication-web.yaml", fn: (o) => (o.spec.portLevelMtls = { "443": { mode: "PERMISSIVE" } }), code: "MS5021", at: "out:storefront/peerauthentication-web.yaml" },
  { edit: "namespace PeerAuthentication DISABLE under the operator's ISTIO_MUTUAL default", hop: "authentication", example: MV2, where: "out:legacy/peerauthentication-default.yaml", fn: (o) => (o.spec.mtls.mode = "DISABLE"), code: "MS5020", at: "out:istio-system/servicemeshcontrolplane-basic.yaml" },
  // routing
  { edit: "Route targetPort is a port no endpoint has", hop: "routing", example: SAIL, where: "out:storefront/route-web.yaml", fn: (o) => (o.spec.port.targetPort = 443), code: "MS5010", at: "out:storefront/route-web.yaml" },
  // trust
  { edit: "destination CA from the ACME route certificate's Secret", hop: "trust", example: E2E, where: "out:demo/route-customer.yaml", fn: (o) => (o.metadata.annotations["cert-utils-operator.redhat-cop.io/destinationCA-from-secret"] = "route-customer"), code: "MS5040", at: "out:demo/route-customer.yaml" },
  { edit: "Knative trust Bundle sources another CA Secret", hop: "trust", example: "knative-transport-encryption", where: "out:cluster/bundle-knative-bundle.yaml", fn: (o) => (o.spec.sources[0].secret.name = "other-ca"), code: "MS5041", at: "out:cluster/bundle-knative-bundle.yaml" },
  { edit: "callers' trust Bundle sources another root than the callee's issuer", hop: "trust", example: E2E, where: "out:cluster/bundle-trust-internal.yaml", fn: (o) => (o.spec.sources[0].secret.name = "other-root"), code: "MS5046", at: pref },
];

/** The file a diagnostic names: the path relative to the output or the application directory (both read in memory). */
function resolve(at: string): string {
  return at.slice(at.indexOf(":") + 1);
}

const scores = new Map<string, { caught: number; total: number }>();
const table: string[] = [];

for (const example of EXAMPLES) {
  test(`unmodified: examples/${example}/expected with its application manifests verifies with no broken path`, () => {
    const result = run(load(example));
    assert.equal(result.diagnostics.map((d) => `${d.code} ${d.file}: ${d.message}`), []);
    assert.equal(result.paths.filter((p) => p.result === "broken").map((p) => p.reason), []);
    assert.ok(result.paths.some((p) => p.result === "ok"), "some path is checked");
    // With the application's manifests every input is there: nothing is left unchecked.
    if (load(example).apps.size > 0) assert.equal(result.paths.filter((p) => p.result === "not checked").map((p) => `${p.rule}: ${p.reason ?? ""}`), []);
  });
}

test("mutations: every edit is distinct, and each hop has one", () => {
  assert.ok(MUTATIONS.length >= 40, `${MUTATIONS.length} edits`);
  assert.is(new Set(MUTATIONS.map((m) => m.edit)).size, MUTATIONS.length);
  for (const hop of ["kubelet", "network", "injection", "authentication", "authorization", "issuance", "secrets", "trust"]) assert.ok(MUTATIONS.some((m) => m.hop === hop), hop);
});

for (const m of MUTATIONS) {
  test(`mutation [${m.hop}] ${m.example}: ${m.edit} → ${m.code} at ${m.at}`, () => {
    const input = load(m.example);
    const [scope, file] = m.where.split(":", 2) as [string, string];
    mutate(scope === "app" ? input.apps : input.output, file, m.fn, m.doc ?? 0);
    const result = run(input);
    const want = resolve(m.at);
    const hit = result.diagnostics.find((d) => d.code === m.code && d.file === want && (d.range?.start.line ?? 0) > 0);
    const s = scores.get(m.hop) ?? { caught: 0, total: 0 };
    s.total++;
    if (hit && result.paths.some((p) => p.result === "broken")) s.caught++;
    scores.set(m.hop, s);
    table.push(`| ${m.edit} | ${m.hop} | ${m.example} | ${m.code} | ${hit ? `yes (${want}:${hit.range?.start.line ?? 0})` : "NO"} |`);
    assert.ok(hit, `want ${m.code} at ${want}; got ${result.diagnostics.map((d) => `${d.code} ${d.file}:${d.range?.start.line ?? 0}`).join(", ") || "nothing"}`);
    assert.ok(result.paths.some((p) => p.result === "broken"), "a broken path");
  });
}

test("mutation score", () => {
  const caught = [...scores.values()].reduce((a, s) => a + s.caught, 0);
  const total = [...scores.values()].reduce((a, s) => a + s.total, 0);
  const perHop = [...scores.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([hop, s]) => `${hop} ${s.caught}/${s.total}`).join(", ");
  console.log(`\nverify mutation score: ${caught}/${total} edits caught (${perHop}); false positives: 0 of ${EXAMPLES.length} unmodified outputs`);
  if (process.env["MUTATION_TABLE"]) console.log(table.join("\n"));
  assert.is(caught, total);
  // docs/verify.md states the score and lists every edit; it must not drift from this table.
  const doc = readFileSync(join("docs", "verify.md"), "utf8");
  assert.ok(doc.includes(`${caught}/${total} edits caught`), "docs/verify.md states the score");
  for (const m of MUTATIONS) assert.ok(doc.includes(`| ${m.edit} | ${m.hop} |`), `docs/verify.md lists: ${m.edit}`);
});

test.run();
