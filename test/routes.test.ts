import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { compilePolicy } from "../src/compile.js";
import type { AuthorityMaterialView } from "../src/targets/target.js";
import { codesAt, compileText, HEADER, objects, writePolicy } from "./helpers/policy.js";

type Obj = Record<string, unknown>;
const spec = (o: Obj | undefined): Obj => (o?.["spec"] ?? {}) as Obj;
const meta = (o: Obj | undefined): Obj => (o?.["metadata"] ?? {}) as Obj;
const annotations = (o: Obj | undefined): Record<string, string> => (meta(o)["annotations"] ?? {}) as Record<string, string>;
const ignoreDifferences = (files: ReadonlyMap<string, string> | undefined): Obj[] => {
  const text = files?.get("argocd-ignore-differences.yaml");
  return text ? ((parse(text) as { ignoreDifferences: Obj[] }).ignoreDifferences ?? []) : [];
};

// The seed's `oc create route ...` and `oc annotate route ...` steps.
test("seed scenario: customer reencrypt with cert-utils wiring, preference passthrough, recommendation without Route", async () => {
  const result = await compilePolicy({ policyFile: "examples/end-to-end-encryption/mesh-security.yaml" });
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const customer = out.get("demo/route-customer.yaml");
  // oc create route reencrypt customer --service=customer --port=https
  assert.equal(spec(customer), {
    host: "customer.apps.example.com",
    to: { kind: "Service", name: "customer" },
    port: { targetPort: "https" },
    tls: { termination: "reencrypt", insecureEdgeTerminationPolicy: "Redirect" },
  });
  // oc annotate route customer certs-from-secret=route-customer destinationCA-from-secret=service-customer
  assert.equal(annotations(customer)["cert-utils-operator.redhat-cop.io/certs-from-secret"], "route-customer");
  assert.equal(annotations(customer)["cert-utils-operator.redhat-cop.io/destinationCA-from-secret"], "service-customer");
  assert.equal(annotations(customer)["argocd.argoproj.io/sync-wave"], "0");
  // oc create route passthrough preference --service=preference --port=https
  const preference = out.get("demo/route-preference.yaml");
  assert.equal(spec(preference), {
    host: "preference.apps.example.com",
    to: { kind: "Service", name: "preference" },
    port: { targetPort: "https" },
    tls: { termination: "passthrough", insecureEdgeTerminationPolicy: "Redirect" },
  });
  assert.equal(Object.keys(annotations(preference)), ["argocd.argoproj.io/sync-wave"]);
  assert.not.ok([...out.keys()].some((p) => p.includes("route-recommendation")));
  // cert-utils writes the key into the Route: Argo CD must ignore it
  assert.equal(ignoreDifferences(result.tree?.files), [{ group: "route.openshift.io", kind: "Route", name: "customer", namespace: "demo", jsonPointers: ["/spec/tls"] }]);
  const notes = result.notes.filter((n) => n.subject === "service demo/customer").map((n) => n.text);
  assert.ok(notes.some((t) => t.includes("destinationCA-from-secret")), notes.join("\n"));
});

const LE = `issuers:\n  le:\n    acme:\n      email: a@example.com\n      solver: { dns01: { route53: { region: r } } }\n  internal: { selfSigned: {} }\n`; // lines 5-10

test("external-certificate: Route in wave 10 naming the Secret, Role and RoleBinding for the router in wave -20", async () => {
  const result = await compileText(`${HEADER}platform: { openshift: "4.19", routeCertificates: external-certificate }\n${LE}services:\n  - { name: api, namespace: shop, selector: { app: api }, exposure: reencrypt, host: api.example.com, routeCertificate: { issuer: le } }\n`);
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const route = out.get("shop/route-api.yaml");
  assert.equal(spec(route)["tls"], { termination: "reencrypt", insecureEdgeTerminationPolicy: "Redirect", externalCertificate: { name: "api-route-tls" } });
  assert.equal(annotations(route)["argocd.argoproj.io/sync-wave"], "10");
  assert.not.ok(Object.keys(annotations(route)).some((k) => k.startsWith("cert-utils")));
  const role = out.get("shop/role-api-router-cert-reader.yaml");
  assert.equal(role?.["apiVersion"], "rbac.authorization.k8s.io/v1");
  assert.equal(role?.["rules"], [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["api-route-tls"], verbs: ["get", "list", "watch"] }]);
  assert.equal(annotations(role)["argocd.argoproj.io/sync-wave"], "-20");
  const binding = out.get("shop/rolebinding-api-router-cert-reader.yaml");
  assert.equal(binding?.["roleRef"], { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "api-router-cert-reader" });
  assert.equal(binding?.["subjects"], [{ kind: "ServiceAccount", name: "router", namespace: "openshift-ingress" }]);
  assert.equal(annotations(binding)["argocd.argoproj.io/sync-wave"], "-20");
  assert.equal(annotations(out.get("shop/certificate-api-route.yaml"))["argocd.argoproj.io/sync-wave"], "0");
  assert.equal(ignoreDifferences(result.tree?.files), [], "the router reads the Secret; nothing writes into the Route");
  // reencrypt to a Service CA certificate: no destination CA, and explain says why
  assert.not.ok((spec(route)["tls"] as Obj)["destinationCACertificate"]);
  assert.ok(result.notes.some((n) => n.subject === "service shop/api" && /already trusts the Service CA/.test(n.text)));
});

test("cert-manager-routes: openshift-routes annotations instead of a router Certificate", async () => {
  const result = await compileText(
    `${HEADER}platform: { routeCertificates: cert-manager-routes }\n${LE}services:\n  - { name: api, namespace: shop, port: 8443, exposure: external, host: "*.api.example.com", routeCertificate: { issuer: le, duration: 720h, renewBefore: 240h, privateKey: { algorithm: RSA, size: 4096 } } }\n`,
  );
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  assert.not.ok(out.get("shop/certificate-api-route.yaml"));
  const route = out.get("shop/route-api.yaml");
  const a = annotations(route);
  assert.equal(
    Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith("cert-manager.io/"))),
    {
      "cert-manager.io/issuer-name": "le",
      "cert-manager.io/issuer-kind": "ClusterIssuer",
      "cert-manager.io/issuer-group": "cert-manager.io",
      "cert-manager.io/duration": "720h0m0s",
      "cert-manager.io/renew-before": "240h0m0s",
      "cert-manager.io/private-key-algorithm": "RSA",
      "cert-manager.io/private-key-size": "4096",
      // the controller certifies spec.host; the wildcard name is added as an alt name
      "cert-manager.io/alt-names": "*.api.example.com",
    },
  );
  assert.equal(spec(route)["host"], "wildcard.api.example.com");
  assert.equal(spec(route)["wildcardPolicy"], "Subdomain");
  assert.equal(spec(route)["port"], { targetPort: 8443 });
  assert.equal(ignoreDifferences(result.tree?.files).map((e) => e["jsonPointers"]), [["/spec/tls"]]);
});

test("edge Route: numbered port for a Service owned elsewhere, path, insecure policy; explain says the pod gets HTTP", async () => {
  const result = await compileText(`${HEADER}services:\n  - { name: web, namespace: shop, port: 8080, exposure: external, host: web.example.com, route: { name: www, path: /shop, insecureEdgeTerminationPolicy: Allow } }\n`);
  assert.equal(result.diagnostics, []);
  const route = objects(result).get("shop/route-www.yaml");
  assert.equal(spec(route), { host: "web.example.com", path: "/shop", to: { kind: "Service", name: "web" }, port: { targetPort: 8080 }, tls: { termination: "edge", insecureEdgeTerminationPolicy: "Allow" } });
  assert.ok(result.notes.some((n) => /plain HTTP to port 8080/.test(n.text)));
  assert.ok(result.notes.some((n) => /default certificate/.test(n.text)));
});

const pem = (n: string): AuthorityMaterialView => ({ name: n, rootCertPem: `-----BEGIN CERTIFICATE-----\n${n}\n-----END CERTIFICATE-----\n`, caCertPem: "", certChainPem: "" });
const REENCRYPT_CA = `${HEADER}platform: { routeCertificates: external-certificate }\nauthorities:\n  root: { existingSecret: { name: root-ca, namespace: cert-manager } }\nissuers:\n  ca: { ca: { authority: root } }\nservices:\n  - name: api\n    namespace: shop\n    exposure: reencrypt\n    host: api.example.com\n    certificate: { issuer: ca }\n`;

test("reencrypt to a cert-manager certificate without cert-utils: the authority's root when known, else MS2110", async () => {
  const without = await compileText(REENCRYPT_CA);
  assert.equal(codesAt(without), [["MS2110", 15, 28]]);
  const withMaterial = await compilePolicy({ policyFile: writePolicy(REENCRYPT_CA), authorities: new Map([["root", pem("root")]]) });
  assert.equal(withMaterial.diagnostics, []);
  const tls = spec(objects(withMaterial).get("shop/route-api.yaml"))["tls"] as Obj;
  assert.equal(tls["destinationCACertificate"], "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n");
});

test("during a rotation the destination CA carries both roots while both sign", async () => {
  const policy = REENCRYPT_CA.replace("issuers:", "  next: { existingSecret: { name: next-ca, namespace: cert-manager } }\nissuers:") + "rotation: { authority: root, next: next, phase: issue-new }\n";
  const result = await compilePolicy({ policyFile: writePolicy(policy), authorities: new Map([["root", pem("root")], ["next", pem("next")]]) });
  // The api Secret's ca.crt carries one root (MS2311); the Route is named among the channels with both.
  assert.equal(result.diagnostics.map((d) => d.code), ["MS2311"]);
  assert.match(result.diagnostics[0]?.hint ?? "", /destinationCACertificate of Route shop\/api/);
  const tls = spec(objects(result).get("shop/route-api.yaml"))["tls"] as Obj;
  assert.equal(tls["destinationCACertificate"], `${pem("root").rootCertPem}${pem("next").rootCertPem}`);
});

// openshift/router endpointsForAlias matches targetPort against the endpoints' port (the pod's) or port name.
test("a Route to a Service owned elsewhere targets the pod port, not the Service port", async () => {
  const result = await compileText(`${HEADER}${LE}services:\n  - { name: api, namespace: shop, port: 443, targetPort: 8443, exposure: reencrypt, host: api.example.com }\n`);
  assert.equal(result.diagnostics, []);
  assert.equal(spec(objects(result).get("shop/route-api.yaml"))["port"], { targetPort: 8443 });
});

test("a named container port of a Service owned elsewhere needs portName (MS2118); with it the Route names the Service port", async () => {
  const named = `${HEADER}${LE}services:\n  - { name: api, namespace: shop, port: 443, targetPort: web-tls, exposure: reencrypt, host: api.example.com }\n`;
  assert.equal(codesAt(await compileText(named)), [["MS2118", 12, 58]]);
  const result = await compileText(named.replace("targetPort: web-tls", "targetPort: web-tls, portName: tls"));
  assert.equal(result.diagnostics, []);
  assert.equal(spec(objects(result).get("shop/route-api.yaml"))["port"], { targetPort: "tls" });
});

test("an owned edge-only Service names its port http and gets no serving certificate; a TLS backend keeps https", async () => {
  const result = await compileText(`${HEADER}${LE}services:\n  - { name: web, namespace: shop, port: 8080, selector: { app: web }, exposure: external, host: web.example.com }\n  - { name: api, namespace: shop, selector: { app: api }, exposure: reencrypt, host: api.example.com }\n`);
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const web = out.get("shop/service-web.yaml");
  assert.equal((spec(web)["ports"] as Obj[])[0]?.["name"], "http");
  assert.not.ok("service.beta.openshift.io/serving-cert-secret-name" in annotations(web));
  assert.equal(spec(out.get("shop/route-web.yaml"))["port"], { targetPort: "http" });
  const api = out.get("shop/service-api.yaml");
  assert.equal((spec(api)["ports"] as Obj[])[0]?.["name"], "https");
  assert.equal(annotations(api)["service.beta.openshift.io/serving-cert-secret-name"], "api-tls");
  assert.ok(result.notes.some((n) => /pods get no serving certificate/.test(n.text)));
});

test("an edge-only service that asks for a certificate still gets one", async () => {
  const result = await compileText(`${HEADER}${LE}services:\n  - { name: web, namespace: shop, selector: { app: web }, exposure: external, host: web.example.com, certificate: { issuer: service-ca } }\n`);
  assert.equal(annotations(objects(result).get("shop/service-web.yaml"))["service.beta.openshift.io/serving-cert-secret-name"], "web-tls");
});

// cert-manager/openshift-routes sync.go buildNextCert: Secret `<route>-tls`, Certificate `<route>-cert`.
test("cert-manager-routes: the controller's Secret <route>-tls collides with the default serving Secret (MS2002)", async () => {
  const policy = `${HEADER}platform: { routeCertificates: cert-manager-routes }\n${LE}services:\n  - { name: api, namespace: shop, exposure: reencrypt, host: api.example.com, routeCertificate: { issuer: le } }\n`;
  const collision = await compileText(policy);
  assert.equal(codesAt(collision), [["MS2002", 13, 79]]);
  assert.match(collision.diagnostics[0]?.message ?? "", /Secret `shop\/api-tls` is written by both the Service CA .* and cert-manager openshift-routes/);
  const fixed = await compileText(policy.replace("routeCertificate:", "certificate: { secretName: api-serving }, routeCertificate:"));
  assert.equal(fixed.diagnostics, []);
  assert.ok(fixed.notes.some((n) => /creates Certificate api-cert \(Secret api-tls\)/.test(n.text)));
});

test("routeCertificates defaults to externalCertificate from OpenShift 4.19 and to cert-utils before", async () => {
  const policy = (version: string): string => `${HEADER}platform: { openshift: "${version}" }\n${LE}services:\n  - { name: api, namespace: shop, exposure: external, host: api.example.com, routeCertificate: { issuer: le } }\n`;
  const current = objects(await compileText(policy("4.19"))).get("shop/route-api.yaml");
  assert.equal((spec(current)["tls"] as Obj)["externalCertificate"], { name: "api-route-tls" });
  const older = objects(await compileText(policy("4.18"))).get("shop/route-api.yaml");
  assert.equal(annotations(older)["cert-utils-operator.redhat-cop.io/certs-from-secret"], "api-route-tls");
  assert.not.ok("externalCertificate" in (spec(older)["tls"] as Obj));
});

test("a passthrough routeCertificate under the default wiring is only MS2015, not MS2107", async () => {
  const result = await compileText(`${HEADER}${LE}services:\n  - { name: a, namespace: b, exposure: passthrough, host: a.example.com, certificate: { issuer: internal }, routeCertificate: { issuer: le } }\n`);
  assert.equal(result.diagnostics.map((d) => d.code), ["MS2015"]);
});

test("MS2117: reloadOnRotation on an edge-only service without a certificate", async () => {
  const result = await compileText(`${HEADER}platform: { reloader: true }\n${LE}services:\n  - { name: web, namespace: shop, exposure: external, host: web.example.com, reloadOnRotation: [deployment/web] }\n`);
  assert.equal(result.diagnostics.map((d) => d.code), ["MS2117"]);
});

type Case = [string, { given: string; want: Array<[string, number, number]> }];
const rules: Case[] = [
  ["MS2107 externalCertificate with passthrough", { given: `${HEADER}platform: { routeCertificates: external-certificate }\n${LE}services:\n  - name: a\n    namespace: b\n    exposure: passthrough\n    host: a.example.com\n    certificate: { issuer: internal }\n    routeCertificate: { issuer: le }\n`, want: [["MS2015", 18, 5], ["MS2107", 18, 5]] }],
  ["MS2108 externalCertificate below 4.19", { given: `${HEADER}platform:\n  openshift: "4.18"\n  routeCertificates: external-certificate\n${LE}services:\n  - { name: a, namespace: b, exposure: external, host: a.example.com, routeCertificate: { issuer: le } }\n`, want: [["MS2108", 7, 22]] }],
  ["MS2109 passthrough allowing HTTP", { given: `${HEADER}${LE}services:\n  - name: a\n    namespace: b\n    exposure: passthrough\n    host: a.example.com\n    certificate: { issuer: internal }\n    route: { insecureEdgeTerminationPolicy: Allow }\n`, want: [["MS2109", 17, 45]] }],
  ["MS2115 path on passthrough", { given: `${HEADER}${LE}services:\n  - name: a\n    namespace: b\n    exposure: passthrough\n    host: a.example.com\n    certificate: { issuer: internal }\n    route:\n      path: /x\n`, want: [["MS2115", 18, 13]] }],
  ["MS2110 cert-manager-routes to a cert-manager pod certificate", { given: `${HEADER}platform: { routeCertificates: cert-manager-routes }\n${LE}services:\n  - name: a\n    namespace: b\n    exposure: reencrypt\n    host: a.example.com\n    certificate:\n      issuer: internal\n`, want: [["MS2110", 18, 15]] }],
];

// openshift-routes `buildNextCert` maps the private-key-algorithm annotation rsa/ecdsa/ed25519 (v0.7.0+).
test("cert-manager-routes: an Ed25519 router key compiles and reaches the annotation", async () => {
  const result = await compileText(`${HEADER}platform: { routeCertificates: cert-manager-routes }\n${LE}services:\n  - { name: a, namespace: b, exposure: external, host: a.example.com, routeCertificate: { issuer: internal, privateKey: { algorithm: Ed25519 } } }\n`);
  assert.equal(result.diagnostics, []);
  assert.equal(annotations(objects(result).get("b/route-a.yaml"))["cert-manager.io/private-key-algorithm"], "Ed25519");
});

for (const [name, { given, want }] of rules) {
  test(`rule ${name}`, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want, JSON.stringify(result.diagnostics.map((d) => d.message)));
  });
}

test.run();
