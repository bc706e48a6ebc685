import { test } from "uvu";
import * as assert from "uvu/assert";
import { VERIFY_RULES } from "../src/verify/registry.js";
import { callAuthorizationRule } from "../src/verify/rules/call-authorization.js";
import { knativeTrustRule } from "../src/verify/rules/knative-trust.js";
import { meshMtlsRule } from "../src/verify/rules/mesh-mtls.js";
import { operatorOwnedRule } from "../src/verify/rules/operator-owned.js";
import { routeBackendRule } from "../src/verify/rules/route-backend.js";
import { routeTrustRule } from "../src/verify/rules/route-trust.js";
import { secretWritersRule } from "../src/verify/rules/secret-writers.js";
import type { VerifyRule } from "../src/verify/rule.js";
import { caIssuer, certificate, deployment, dr, pa, policy, port, route, sail, serviceCaPatch, smcpV1, smcpV2, svc } from "./fixtures/verify-objects.js";
import { findingsOf, verifyText } from "./helpers/verify.js";
import type { RuleCase } from "./helpers/verify.js";
import { HOP_TABLES } from "./fixtures/verify-hop-cases.js";
import { ROOT_A, ROOT_B } from "./fixtures/verify-pem.js";

// PEM at hand: the CA issuer's signing Secret (as --secrets-dir passes it), a trust ConfigMap of PEM, an inline destination CA.
const indent = (pem: string, n: number): string => pem.trimEnd().split("\n").map((l) => " ".repeat(n) + l).join("\n");
const caSecret = (pem: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: root-ca\n  namespace: cert-manager\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${Buffer.from(pem).toString("base64")}\n`;
const pemTrust = (pem: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: trust-internal\n  namespace: shop\ndata:\n  ca.crt: |\n${indent(pem, 4)}\n`;
// A rotation by content: two CA Secrets (with keys) and a bundle carrying both roots; the Route's destination CA comes from the pod's Secret.
const signingSecret = (name: string, pem: string): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: cert-manager\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${Buffer.from(pem).toString("base64")}\n  tls.key: ${Buffer.from("not a key").toString("base64")}\n`;
const bundleOf = (...pems: string[]): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: trust-internal\n  namespace: shop\ndata:\n  ca.crt: |\n${indent(pems.join(""), 4)}\n`;
const rotation = (bundle: string): Record<string, string> => ({
  "s.yaml": svc("api", "shop", port("https", 443, 8443)),
  "k.yaml": certificate("api", "shop", "api-tls", "internal", ["api.shop.svc"]),
  "i.yaml": caIssuer("internal", "root-ca"),
  "secrets:old.yaml": signingSecret("root-ca", ROOT_A),
  "secrets:next.yaml": signingSecret("root-ca-2026", ROOT_B),
  "c.yaml": bundle,
  "r.yaml": route("api", "shop", "https", "reencrypt", "  annotations:\n    cert-utils-operator.redhat-cop.io/destinationCA-from-secret: api-tls\n"),
});
const CART_CERT = certificate("cart", "shop", "cart-tls", "internal", ["cart.shop.svc"]);
const inlineRoute = (pem: string): string => route("api", "shop", "https", "reencrypt").replace("  tls: { termination: reencrypt }\n", `  tls:\n    termination: reencrypt\n    destinationCACertificate: |\n${indent(pem, 6)}\n`);

const NO_SELECTOR = "apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\n  namespace: shop\nspec:\n  ports:\n    - { name: https, port: 443, targetPort: 8443 }\n";
const ENDPOINTS = "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: legacy\n  namespace: shop\nsubsets:\n  - addresses: [{ ip: 10.0.0.5 }]\n    ports: [{ name: https, port: 8443 }]\n";

// A caller's workload patch mounting cart's trust (a declared call), cart's ALLOW policy, web's own Deployment.
const CALLER_PATCH = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      volumes:\n        - name: mesh-security-trust\n          projected:\n            sources:\n              - configMap: { name: trust-internal, items: [{ key: ca.crt, path: cart.shop.pem }] }\n";
const callerDeployment = (account: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      serviceAccountName: ${account}\n      containers:\n        - { name: web, image: web }\n`;
const cartPolicy = (principal: string): string =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: cart\n  namespace: shop\nspec:\n  action: ALLOW\n  selector: { matchLabels: { app: cart } }\n  rules:\n    - from: [{ source: { principals: ["${principal}"] } }]\n      to: [{ operation: { ports: ["8443"] } }]\n`;
const CART = svc("cart", "shop", port("https", 8443, 8443));
const CART_ON_SERVICE_CA = svc("cart", "shop", port("https", 8443, 8443), "  annotations: { service.beta.openshift.io/serving-cert-secret-name: cart-tls }\n");
const SERVICE_CA_CALLER = CALLER_PATCH.replace("trust-internal, items: [{ key: ca.crt,", "service-ca-trust, items: [{ key: service-ca.crt,");
const SERVICE_CA_TRUST = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: service-ca-trust\n  namespace: shop\n  annotations: { service.beta.openshift.io/inject-cabundle: \"true\" }\n";

// ESLint RuleTester style: per rule, valid inputs (no finding, and the path results they must have) and
// invalid inputs with the exact code and file:line of each finding.
const TABLES: Array<[VerifyRule, RuleCase[]]> = [
  [
    callAuthorizationRule,
    [
      // The first result of each call is its trust (the PEM ConfigMap trust-internal is not read: not checked), the second its authorization.
      { name: "no ALLOW policy: every caller is allowed", files: { "patch:p.yaml": CALLER_PATCH, "with:d.yaml": callerDeployment("web"), "s.yaml": CART }, want: [], results: ["not checked", "ok"] },
      { name: "the policy allows the caller's service account", files: { "patch:p.yaml": CALLER_PATCH, "with:d.yaml": callerDeployment("web"), "s.yaml": CART, "a.yaml": cartPolicy("cluster.local/ns/shop/sa/web") }, want: [], results: ["not checked", "ok"] },
      { name: "a trailing * in the principal matches", files: { "patch:p.yaml": CALLER_PATCH, "with:d.yaml": callerDeployment("web"), "s.yaml": CART, "a.yaml": cartPolicy("cluster.local/ns/shop/*") }, want: [], results: ["not checked", "ok"] },
      { name: "only the caller's patch read: its service account is unknown", files: { "patch:p.yaml": CALLER_PATCH, "s.yaml": CART, "a.yaml": cartPolicy("cluster.local/ns/shop/sa/web") }, want: [], results: ["not checked", "not checked"] },
      { name: "trust from the Service CA bundle covers a Service CA certificate", files: { "patch:p.yaml": SERVICE_CA_CALLER, "c.yaml": SERVICE_CA_TRUST, "s.yaml": CART_ON_SERVICE_CA }, want: [], results: ["ok", "ok"] },
      { name: "trust from the Service CA bundle, but cart presents a cert-manager certificate", files: { "patch:p.yaml": SERVICE_CA_CALLER, "c.yaml": SERVICE_CA_TRUST, "s.yaml": CART, "k.yaml": certificate("cart", "shop", "cart-tls", "internal", ["cart.shop.svc"]), "i.yaml": caIssuer("internal", "root-ca") }, want: [["MS5046", "p.yaml:4"]] },
      { name: "PEM trust file holding the callee's CA certificate (compared by content)", files: { "patch:p.yaml": CALLER_PATCH, "c.yaml": pemTrust(ROOT_A), "s.yaml": CART, "k.yaml": CART_CERT, "i.yaml": caIssuer("internal", "root-ca"), "secrets:ca.yaml": caSecret(ROOT_A) }, want: [], results: ["ok", "ok"] },
      { name: "PEM trust file, the callee's CA Secret not at hand: not checked", files: { "patch:p.yaml": CALLER_PATCH, "c.yaml": pemTrust(ROOT_A), "s.yaml": CART, "k.yaml": CART_CERT, "i.yaml": caIssuer("internal", "root-ca") }, want: [], results: ["not checked", "ok"] },
      { name: "PEM trust file holding another root than the callee's CA", files: { "patch:p.yaml": CALLER_PATCH, "c.yaml": pemTrust(ROOT_B), "s.yaml": CART, "k.yaml": CART_CERT, "i.yaml": caIssuer("internal", "root-ca"), "secrets:ca.yaml": caSecret(ROOT_A) }, want: [["MS5046", "p.yaml:4"]] },
      { name: "a DENY policy matching the caller is evaluated before ALLOW", files: { "patch:p.yaml": CALLER_PATCH, "with:d.yaml": callerDeployment("web"), "s.yaml": CART, "a.yaml": cartPolicy("cluster.local/ns/shop/sa/web").replace("action: ALLOW", "action: DENY") }, want: [["MS5076", "a.yaml:9"]] },
      {
        name: "trust domain aliases: a cluster.local principal holds under the mesh's own trust domain (issue 21 §2.5)",
        files: { "i.yaml": sail.replace("  namespace: istio-system\n", "  namespace: istio-system\n  values:\n    meshConfig: { trustDomain: prod.example.com }\n"), "patch:p.yaml": CALLER_PATCH, "with:d.yaml": callerDeployment("web"), "s.yaml": CART, "a.yaml": cartPolicy("cluster.local/ns/shop/sa/web") },
        want: [],
        results: ["not checked", "ok"],
      },
      { name: "the pods run as another service account than the policy names", files: { "patch:p.yaml": CALLER_PATCH, "with:d.yaml": callerDeployment("frontend"), "s.yaml": CART, "a.yaml": cartPolicy("cluster.local/ns/shop/sa/web") }, want: [["MS5045", "a.yaml:9"]] },
    ],
  ],
  [
    routeBackendRule,
    [
      { name: "targetPort is the Service port's name", files: { "s.yaml": svc("api", "shop", port("https", 443, 8443)), "r.yaml": route("api", "shop", "https") }, want: [], results: ["ok"] },
      { name: "targetPort is the pod port", files: { "s.yaml": svc("api", "shop", port("https", 443, 8443)), "r.yaml": route("api", "shop", "8443") }, want: [], results: ["ok"] },
      { name: "Service only patched: not checked", files: { "patch:s.yaml": serviceCaPatch("api", "shop", "api-tls"), "r.yaml": route("api", "shop", "443") }, want: [], results: ["not checked"] },
      { name: "named targetPort resolved through the workload", files: { "with:s.yaml": svc("api", "shop", port("https", 443, "web")), "with:d.yaml": deployment("api", "shop", "            - { name: web, containerPort: 8443 }\n"), "r.yaml": route("api", "shop", "8443") }, want: [], results: ["ok"] },
      { name: "targetPort is the Service port number (issue 11 §2.1)", files: { "with:s.yaml": svc("api", "shop", port("https", 443, 8443)), "r.yaml": route("api", "shop", "443") }, want: [["MS5010", "r.yaml:10"]] },
      { name: "targetPort names no Service port", files: { "s.yaml": svc("api", "shop", port("https", 443, 8443)), "r.yaml": route("api", "shop", "http") }, want: [["MS5010", "r.yaml:10"]] },
      { name: "Service without selector: hand-made Endpoints carry the pod port", files: { "with:s.yaml": NO_SELECTOR, "with:e.yaml": ENDPOINTS, "r.yaml": route("legacy", "shop", "8443") }, want: [], results: ["ok"] },
      { name: "Service without selector: the Service port is not an endpoint port", files: { "with:s.yaml": NO_SELECTOR, "with:e.yaml": ENDPOINTS, "r.yaml": route("legacy", "shop", "443") }, want: [["MS5010", "r.yaml:10"]] },
      { name: "Service without selector and no Endpoints: not checked", files: { "with:s.yaml": NO_SELECTOR, "r.yaml": route("legacy", "shop", "443") }, want: [], results: ["not checked"] },
    ],
  ],
  [
    meshMtlsRule,
    [
      { name: "auto mTLS to a STRICT mesh (Sail)", files: { "i.yaml": sail, "p.yaml": pa("default", "istio-system", "STRICT"), "s.yaml": svc("cart", "shop", port("https", 8443, 8443)) }, want: [], results: ["ok"] },
      { name: "auto mTLS: plaintext to a DISABLE namespace", files: { "i.yaml": sail, "p.yaml": pa("default", "legacy", "DISABLE"), "s.yaml": svc("old", "legacy", port("http", 80, 8080)) }, want: [], results: ["ok"] },
      {
        name: "router to a port excepted on the pod port",
        files: { "i.yaml": sail, "m.yaml": pa("default", "istio-system", "STRICT"), "p.yaml": pa("web", "shop", "STRICT", '  selector: { matchLabels: { app: web } }\n  portLevelMtls:\n    "8443": { mode: PERMISSIVE }\n'), "s.yaml": svc("web", "shop", port("https", 443, 8443)), "r.yaml": route("web", "shop", "https", "reencrypt") },
        want: [],
        results: ["ok", "ok"],
      },
      {
        name: "router exception keyed on the Service port does not apply",
        files: { "i.yaml": sail, "m.yaml": pa("default", "istio-system", "STRICT"), "p.yaml": pa("web", "shop", "STRICT", '  selector: { matchLabels: { app: web } }\n  portLevelMtls:\n    "443": { mode: PERMISSIVE }\n'), "s.yaml": svc("web", "shop", port("https", 443, 8443)), "r.yaml": route("web", "shop", "https", "reencrypt") },
        want: [["MS5021", "p.yaml:11"]],
      },
      { name: "operator's ISTIO_MUTUAL default to a DISABLE namespace (issue 11 §2.5)", files: { "c.yaml": smcpV2(true), "p.yaml": pa("default", "legacy", "DISABLE"), "s.yaml": svc("old", "legacy", port("http", 80, 8080)) }, want: [["MS5020", "c.yaml:10"]] },
      { name: "client DISABLE DestinationRule fixes it", files: { "c.yaml": smcpV2(true), "p.yaml": pa("default", "legacy", "DISABLE"), "d.yaml": dr("old", "legacy", "old.legacy.svc.cluster.local", "DISABLE"), "s.yaml": svc("old", "legacy", port("http", 80, 8080)) }, want: [], results: ["ok", "ok"] },
      { name: "auto mTLS ignores a workload-level DISABLE", files: { "i.yaml": sail, "p.yaml": pa("old", "legacy", "DISABLE", "  selector: { matchLabels: { app: old } }\n"), "s.yaml": svc("old", "legacy", port("http", 80, 8080)) }, want: [["MS5020", "p.yaml:9"]] },
      {
        name: "Maistra 1.x: a per-workload Policy port is the Service port (issue 11 §2.6)",
        files: { "c.yaml": smcpV1(true), "p.yaml": policy("web", "shop", "[{ mtls: { mode: PERMISSIVE } }]", "  targets:\n    - name: web\n      ports: [{ number: 8443 }]\n"), "s.yaml": svc("web", "shop", port("https", 443, 8443)), "r.yaml": route("web", "shop", "https", "reencrypt") },
        want: [["MS5021", "c.yaml:10"]],
      },
      {
        name: "Maistra 1.x: a Policy on the Service port excepts the router",
        files: { "c.yaml": smcpV1(true), "p.yaml": policy("web", "shop", "[{ mtls: { mode: PERMISSIVE } }]", "  targets:\n    - name: web\n      ports: [{ number: 443 }]\n"), "s.yaml": svc("web", "shop", port("https", 443, 8443)), "r.yaml": route("web", "shop", "https", "reencrypt") },
        want: [],
        results: ["ok", "ok"],
      },
      { name: "Maistra 1.x: a Policy in the control plane namespace is not mesh-wide (issue 11 §2.3)", files: { "c.yaml": smcpV1(false), "p.yaml": policy("default", "istio-system", "[]") }, want: [["MS5022", "p.yaml:4"]] },
      {
        name: "a member roll makes a namespace's break known",
        files: { "c.yaml": smcpV2(true), "with:m.yaml": "apiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\nmetadata:\n  name: default\n  namespace: istio-system\nspec:\n  members: [other]\n", "s.yaml": svc("old", "other", port("http", 80, 8080)), "r.yaml": route("old", "other", "http") },
        want: [["MS5021", "c.yaml:10"]],
      },
      { name: "namespace membership unknown: not checked, never broken", files: { "c.yaml": smcpV2(true), "s.yaml": svc("old", "other", port("http", 80, 8080)), "r.yaml": route("old", "other", "http") }, want: [], results: ["ok", "not checked"] },
    ],
  ],
  [
    operatorOwnedRule,
    [
      { name: "namespace PeerAuthentication outside the control plane namespace", files: { "c.yaml": smcpV2(true), "p.yaml": pa("default", "shop", "PERMISSIVE") }, want: [] },
      { name: "PeerAuthentication istio-system/default on 2.x (issue 11 §2.4)", files: { "c.yaml": smcpV2(true), "p.yaml": pa("default", "istio-system", "STRICT") }, want: [["MS5030", "p.yaml:4"]] },
      { name: "DestinationRule istio-system/default on 1.x (issue 11 §2.4)", files: { "c.yaml": smcpV1(true), "d.yaml": dr("default", "istio-system", "*.local", "ISTIO_MUTUAL") }, want: [["MS5030", "d.yaml:4"]] },
      { name: "a patched control plane (owned by the mesh installation) renders them too", files: { "patch:c.yaml": smcpV2(false), "p.yaml": pa("default", "istio-system", "PERMISSIVE") }, want: [["MS5030", "p.yaml:4"]] },
      { name: "Sail renders no PeerAuthentication", files: { "i.yaml": sail, "p.yaml": pa("default", "istio-system", "STRICT") }, want: [] },
    ],
  ],
  [
    secretWritersRule,
    [
      { name: "one writer each", files: { "patch:s.yaml": serviceCaPatch("api", "shop", "api-tls"), "c.yaml": certificate("api-route", "shop", "api-route-tls", "le") }, want: [], results: ["ok", "ok"] },
      {
        name: "Service CA and cert-manager-routes on <route>-tls (issue 11 §2.2)",
        files: { "patch:s.yaml": serviceCaPatch("api", "shop", "api-tls"), "r.yaml": route("api", "shop", "https", "edge", "  annotations:\n    cert-manager.io/issuer-name: letsencrypt\n") },
        want: [["MS5035", "r.yaml:7"]],
      },
      { name: "cert-utils keystores on a cert-manager Secret", files: { "c.yaml": certificate("a", "shop", "a-tls", "x") + "  secretTemplate:\n    annotations:\n      cert-utils-operator.redhat-cop.io/generate-java-keystores: \"true\"\n" }, want: [], results: ["ok"] },
      { name: "cert-utils keystores on a Service CA Secret", files: { "patch:s.yaml": serviceCaPatch("api", "shop", "api-tls"), "patch:k.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-tls\n  namespace: shop\n  annotations:\n    cert-utils-operator.redhat-cop.io/generate-java-keystores: \"true\"\n" }, want: [["MS5035", "k.yaml:7"]] },
      { name: "two Certificates on one Secret", files: { "a.yaml": certificate("a", "shop", "tls", "x"), "b.yaml": certificate("b", "shop", "tls", "x") }, want: [["MS5035", "a.yaml:7"]] },
      { name: "a Secret emitted whole and a SealedSecret", files: { "secrets:s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: cacerts\n  namespace: istio-system\n", "ss.yaml": "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: cacerts\n  namespace: istio-system\nspec: {}\n" }, want: [["MS5035", "s.yaml:4"]] },
    ],
  ],
  [
    routeTrustRule,
    [
      { name: "no rotation: the bundle carries one root", files: rotation(bundleOf(ROOT_A)), want: [], results: ["ok"] },
      { name: "rotation under way (issue 21 §2.3): cert-utils gives the router one root", files: rotation(bundleOf(ROOT_A, ROOT_B)), want: [["MS5080", "r.yaml:7"]] },
      { name: "inline destination CA is the pods' CA, by content", files: { "s.yaml": svc("api", "shop", port("https", 443, 8443)), "k.yaml": certificate("api", "shop", "api-tls", "internal", ["api.shop.svc"]), "i.yaml": caIssuer("internal", "root-ca"), "secrets:ca.yaml": caSecret(ROOT_A), "r.yaml": inlineRoute(ROOT_A) }, want: [], results: ["ok"] },
      { name: "inline destination CA, the pods' CA not at hand: not checked", files: { "s.yaml": svc("api", "shop", port("https", 443, 8443)), "k.yaml": certificate("api", "shop", "api-tls", "internal", ["api.shop.svc"]), "i.yaml": caIssuer("internal", "root-ca"), "r.yaml": inlineRoute(ROOT_A) }, want: [], results: ["not checked"] },
      { name: "inline destination CA is another root than the pods' CA", files: { "s.yaml": svc("api", "shop", port("https", 443, 8443)), "k.yaml": certificate("api", "shop", "api-tls", "internal", ["api.shop.svc"]), "i.yaml": caIssuer("internal", "root-ca"), "secrets:ca.yaml": caSecret(ROOT_A), "r.yaml": inlineRoute(ROOT_B) }, want: [["MS5040", "r.yaml:11"]] },
      { name: "Service CA pod, no destination CA", files: { "s.yaml": svc("api", "shop", port("https", 443, 8443), "  annotations:\n    service.beta.openshift.io/serving-cert-secret-name: api-tls\n"), "r.yaml": route("api", "shop", "https", "reencrypt") }, want: [], results: ["ok"] },
      {
        name: "cert-manager pod with destinationCA-from-secret of its own Secret",
        files: { "i.yaml": caIssuer("internal", "root"), "c.yaml": certificate("api", "shop", "api-cert", "internal", ["api.shop.svc"]), "r.yaml": route("api", "shop", "https", "reencrypt", "  annotations:\n    cert-utils-operator.redhat-cop.io/destinationCA-from-secret: api-cert\n") },
        want: [],
        results: ["ok"],
      },
      { name: "cert-manager pod, no destination CA", files: { "i.yaml": caIssuer("internal", "root"), "c.yaml": certificate("api", "shop", "api-cert", "internal", ["api.shop.svc"]), "r.yaml": route("api", "shop", "https", "reencrypt") }, want: [["MS5040", "r.yaml:11"]] },
      {
        name: "destination CA from a Secret of another CA",
        files: { "i.yaml": caIssuer("internal", "root"), "j.yaml": caIssuer("other", "other-root"), "c.yaml": certificate("api", "shop", "api-cert", "internal", ["api.shop.svc"]), "o.yaml": certificate("o", "shop", "o-cert", "other"), "r.yaml": route("api", "shop", "https", "reencrypt", "  annotations:\n    cert-utils-operator.redhat-cop.io/destinationCA-from-secret: o-cert\n") },
        want: [["MS5040", "r.yaml:7"]],
      },
      { name: "issuer not read: not checked", files: { "c.yaml": certificate("api", "shop", "api-cert", "internal", ["api.shop.svc"]), "r.yaml": route("api", "shop", "https", "reencrypt", "  annotations:\n    cert-utils-operator.redhat-cop.io/destinationCA-from-secret: api-cert\n") }, want: [], results: ["not checked"] },
    ],
  ],
  [
    knativeTrustRule,
    [
      { name: "bundle holds the issuer's CA", files: knative("knative-ca", "knative-ca", "knative-serving"), want: [], results: ["ok"] },
      { name: "bundle holds another CA", files: knative("knative-ca", "other-ca", "knative-serving"), want: [["MS5041", "b.yaml:6"]] },
      { name: "bundle does not select the Knative namespace", files: knative("knative-ca", "knative-ca", "elsewhere"), want: [["MS5041", "b.yaml:6"]] },
    ],
  ],
];

function knative(issuerSecret: string, bundleSecret: string, namespace: string): Record<string, string> {
  return {
    "i.yaml": caIssuer("kn-ca", issuerSecret),
    "patch:k.yaml": "apiVersion: operator.knative.dev/v1beta1\nkind: KnativeServing\nmetadata:\n  name: knative-serving\n  namespace: knative-serving\nspec:\n  config:\n    certmanager:\n      systemInternalIssuerRef: |\n        kind: ClusterIssuer\n        name: kn-ca\n    network:\n      system-internal-tls: Enabled\n",
    "b.yaml": `apiVersion: trust.cert-manager.io/v1alpha1\nkind: Bundle\nmetadata:\n  name: kn\nspec:\n  sources:\n    - secret: { name: ${bundleSecret}, key: ca.crt }\n  target:\n    configMap:\n      key: ca-bundle.pem\n      metadata:\n        labels: { networking.knative.dev/trust-bundle: "true" }\n    namespaceSelector:\n      matchExpressions:\n        - { key: kubernetes.io/metadata.name, operator: In, values: [${namespace}] }\n`,
  };
}

TABLES.push(...HOP_TABLES);

for (const [rule, cases] of TABLES) {
  for (const c of cases) {
    test(`${rule.id}: ${c.want.length === 0 ? "valid" : "invalid"}: ${c.name}`, () => {
      const result = verifyText(c.files, [rule]);
      assert.equal(findingsOf(result), c.want);
      for (const d of result.diagnostics) assert.ok(rule.codes.includes(d.code), `${d.code} is not declared by ${rule.id}`);
      if (c.results) assert.equal(result.paths.filter((p) => p.rule === rule.id).map((p) => p.result), c.results, JSON.stringify(result.paths, null, 1));
      for (const p of result.paths) if (p.result === "not checked") assert.match(p.reason ?? "", /pass `--|not modelled/, `not checked without naming the input: ${p.reason ?? ""}`);
      if (c.want.some(([code]) => code !== "MS5022")) assert.ok(result.paths.some((p) => p.result === "broken"), "an error finding comes with a broken path");
    });
  }
}

test("every rule is registered, declares its codes, names what it models, and has valid and invalid cases", () => {
  assert.equal(VERIFY_RULES.map((r) => r.id).sort(), TABLES.map(([r]) => r.id).sort());
  for (const [rule, cases] of TABLES) {
    assert.ok(rule.models.length > 10 && rule.reads.length > 0, rule.id);
    assert.ok(cases.some((c) => c.want.length === 0) && cases.some((c) => c.want.length > 0), rule.id);
    for (const code of rule.codes) assert.ok(cases.some((c) => c.want.some(([w]) => w === code)), `${rule.id}: no invalid case for ${code}`);
  }
});

test("unreadable input: MS5002 with a position, and no paths", () => {
  const result = verifyText({ "bad.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: [\n" });
  assert.ok(result.unreadable);
  assert.equal(result.diagnostics.map((d) => d.code), ["MS5002"]);
  assert.ok((result.diagnostics[0]?.range?.start.line ?? 0) >= 3);
});

test("a kind: List from --with is read item by item, with positions inside the list", () => {
  const list = `apiVersion: v1\nkind: List\nitems:\n${svc("api", "shop", port("https", 443, 8443)).replace(/^/gm, "  ").replace(/^  apiVersion/, "- apiVersion").trimEnd()}\n`;
  const result = verifyText({ "with:list.yaml": list, "r.yaml": route("api", "shop", "443") });
  assert.equal(findingsOf(result), [["MS5010", "r.yaml:10"]]);
  assert.equal(result.paths.map((p) => p.result), ["broken"]);
});

test("output is deterministic: file order does not change paths or diagnostics", () => {
  const files = { "a.yaml": certificate("a", "shop", "tls", "x"), "b.yaml": certificate("b", "shop", "tls", "x"), "r.yaml": route("api", "shop", "443"), "with:s.yaml": svc("api", "shop", port("https", 443, 8443)) };
  const reversed = Object.fromEntries(Object.entries(files).reverse());
  assert.equal(JSON.stringify(verifyText(files)), JSON.stringify(verifyText(reversed)));
});

test.run();
