import { test } from "uvu";
import * as assert from "uvu/assert";
import { compilePolicy } from "../src/compile.js";
import { codesAt, compileText, HEADER, objects } from "./helpers/policy.js";

type Obj = Record<string, unknown>;
const spec = (o: Obj | undefined): Obj => (o?.["spec"] ?? {}) as Obj;
const annotations = (o: Obj | undefined): Record<string, string> => ((o?.["metadata"] as Obj | undefined)?.["annotations"] ?? {}) as Record<string, string>;

// The seed's manual steps (issuers/*.yaml, certificates/*.yaml of the end-to-end encryption demo),
// compared field by field with what one policy compiles to.
test("seed scenario: the two ClusterIssuers of the demo", async () => {
  const result = await compilePolicy({ policyFile: "examples/end-to-end-encryption/mesh-security.yaml" });
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const le = out.get("cluster/clusterissuer-letsencrypt.yaml");
  assert.equal(annotations(le)["argocd.argoproj.io/sync-wave"], "-10");
  assert.equal(spec(le)["acme"], {
    server: "https://acme-v02.api.letsencrypt.org/directory",
    email: "platform@example.com",
    privateKeySecretRef: { name: "letsencrypt-account-key" },
    solvers: [
      {
        dns01: {
          route53: {
            region: "us-east-1",
            hostedZoneID: "Z0123456789ABCDEFGHIJ",
            accessKeyIDSecretRef: { name: "cert-manager-dns-credentials", key: "aws_access_key_id" },
            secretAccessKeySecretRef: { name: "cert-manager-dns-credentials", key: "aws_secret_access_key" },
          },
        },
      },
    ],
  });
  const internal = out.get("cluster/clusterissuer-internal.yaml");
  assert.equal(internal?.["kind"], "ClusterIssuer");
  assert.equal(spec(internal), { ca: { secretName: "rootca" } });
  assert.equal(annotations(internal)["argocd.argoproj.io/sync-wave"], "-10");
});

test("seed scenario: one Certificate per step, with keystores from a password Secret", async () => {
  const out = objects(await compilePolicy({ policyFile: "examples/end-to-end-encryption/mesh-security.yaml" }));
  const internalRef = { name: "internal", kind: "ClusterIssuer", group: "cert-manager.io" };
  const expected: Array<[string, { secretName: string; names: string[]; issuerRef: Obj; password?: string }]> = [
    // certificates/internal-certificate.yaml for customer and recommendation: <svc>.<ns>.svc
    ["demo/certificate-customer.yaml", { secretName: "service-customer", names: ["customer.demo.svc"], issuerRef: internalRef, password: "customer-keystore" }],
    ["demo/certificate-recommendation.yaml", { secretName: "service-recommendation", names: ["recommendation.demo.svc"], issuerRef: internalRef, password: "recommendation-keystore" }],
    // certificates/multiSAN-internal-certificate.yaml: the service name AND the route host
    ["demo/certificate-preference.yaml", { secretName: "route-service-preference", names: ["preference.demo.svc", "preference.apps.example.com"], issuerRef: internalRef, password: "preference-keystore" }],
    // certificates/ACME-certificate.yaml: the route host only, from Let's Encrypt
    ["demo/certificate-customer-route.yaml", { secretName: "route-customer", names: ["customer.apps.example.com"], issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" } }],
  ];
  for (const [path, want] of expected) {
    const cert = out.get(path);
    assert.ok(cert, `${path} missing: ${[...out.keys()].join(", ")}`);
    const s = spec(cert);
    assert.equal(s["secretName"], want.secretName, path);
    for (const name of want.names) assert.ok((s["dnsNames"] as string[]).includes(name), `${path} lacks ${name}`);
    assert.equal(s["issuerRef"], want.issuerRef, path);
    assert.equal(s["duration"], "2160h0m0s");
    assert.equal(s["renewBefore"], "720h0m0s");
    assert.equal(s["privateKey"], { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" });
    assert.equal(s["usages"], ["server auth", "digital signature"]);
    assert.equal((s["secretTemplate"] as Obj)["labels"], {
      "app.kubernetes.io/managed-by": "mesh-security",
      "mesh-security/policy": "demo",
      "mesh-security/service": path.includes("preference") ? "preference" : path.includes("recommendation") ? "recommendation" : "customer",
    });
    assert.equal(annotations(cert)["argocd.argoproj.io/sync-wave"], "0");
    if (want.password) {
      assert.equal(s["keystores"], { pkcs12: { create: true, profile: "Modern2023", passwordSecretRef: { name: want.password, key: "password" } } });
    } else {
      assert.not.ok(s["keystores"]);
    }
  }
  assert.equal(spec(out.get("demo/certificate-customer-route.yaml"))["dnsNames"], ["customer.apps.example.com"]);
  // The seed annotated secrets for cert-utils keystores; with cert-manager keystores no Secret is touched.
  assert.not.ok([...out.keys()].some((p) => p.includes("/secret-")));
});

test("issuer shapes: namespaced selfSigned, http01 ingressClassName, every DNS-01 provider's fields as the CRD names them", async () => {
  const policy = `${HEADER}issuers:
  boot: { namespace: team, selfSigned: {} }
  web:
    acme:
      server: staging
      email: a@example.com
      privateKeySecretRef: { name: web-account }
      solver: { http01: {} }
  cf:
    acme:
      email: a@example.com
      solver: { dns01: { cloudflare: { email: a@example.com, apiKeySecretRef: { name: cf, key: key } } } }
  az:
    acme:
      email: a@example.com
      solver: { dns01: { azureDNS: { subscriptionID: s, resourceGroupName: g, managedIdentity: { clientID: m } } } }
  bind:
    acme:
      server: https://acme.example.net/dir
      email: a@example.com
      solver: { dns01: { rfc2136: { nameserver: "10.0.0.1:53", tsigKeyName: k, tsigAlgorithm: HMACSHA256, tsigSecretSecretRef: { name: t, key: s } } } }
mtls: {}
`;
  const result = await compileText(policy);
  assert.equal(codesAt(result), [["MS2103", 9, 15]]);
  const out = objects(result);
  const boot = out.get("team/issuer-boot.yaml");
  assert.equal(boot?.["kind"], "Issuer");
  assert.equal((boot?.["metadata"] as Obj)["namespace"], "team");
  assert.equal(spec(boot), { selfSigned: {} });
  const web = spec(out.get("cluster/clusterissuer-web.yaml"))["acme"] as Obj;
  assert.equal(web["server"], "https://acme-staging-v02.api.letsencrypt.org/directory");
  assert.equal(web["privateKeySecretRef"], { name: "web-account" });
  assert.equal(web["solvers"], [{ http01: { ingress: { ingressClassName: "openshift-default" } } }]);
  const solver = (name: string): Obj => ((spec(out.get(`cluster/clusterissuer-${name}.yaml`))["acme"] as Obj)["solvers"] as Obj[])[0] ?? {};
  assert.equal(solver("cf"), { dns01: { cloudflare: { email: "a@example.com", apiKeySecretRef: { name: "cf", key: "key" } } } });
  assert.equal(solver("az"), { dns01: { azureDNS: { subscriptionID: "s", resourceGroupName: "g", managedIdentity: { clientID: "m" } } } });
  assert.equal(solver("bind"), { dns01: { rfc2136: { nameserver: "10.0.0.1:53", tsigKeyName: "k", tsigAlgorithm: "HMACSHA256", tsigSecretSecretRef: { name: "t", key: "s" } } } });
  assert.equal((spec(out.get("cluster/clusterissuer-bind.yaml"))["acme"] as Obj)["server"], "https://acme.example.net/dir");
});

test("jks and pkcs12 keystores share the password reference; no literal password is ever written", async () => {
  const result = await compileText(
    `${HEADER}issuers:\n  i: { selfSigned: {} }\nservices:\n  - name: a\n    namespace: b\n    certificate:\n      issuer: i\n      keystores: [pkcs12, jks]\n      pkcs12Profile: LegacyDES\n      keystorePasswordSecretRef: { name: pw, key: k }\n      privateKey: { algorithm: Ed25519 }\n`,
  );
  assert.equal(result.diagnostics, []);
  const s = spec(objects(result).get("b/certificate-a.yaml"));
  assert.equal(s["keystores"], {
    jks: { create: true, passwordSecretRef: { name: "pw", key: "k" } },
    pkcs12: { create: true, profile: "LegacyDES", passwordSecretRef: { name: "pw", key: "k" } },
  });
  assert.equal(s["privateKey"], { algorithm: "Ed25519", rotationPolicy: "Always" });
  for (const text of result.tree?.files.values() ?? []) assert.not.match(text, /^\s*password:/m);
});

test("a CA issuer signs with the next authority from rotation phase issue-new on", async () => {
  const policy = (phase: string): string =>
    `${HEADER}authorities:\n  old: { existingSecret: { name: old-ca, namespace: cert-manager } }\n  new: { existingSecret: { name: new-ca, namespace: cert-manager } }\nissuers:\n  internal: { ca: { authority: old } }\nrotation: { authority: old, next: new, phase: ${phase} }\nmtls: {}\n`;
  // Each phase on its own, as if the ones before had been compiled (the step rule is tested in rotation.test.ts).
  const secretOf = async (phase: string): Promise<unknown> => spec(objects(await compileText(policy(phase), { allowUnsafeRotation: true })).get("cluster/clusterissuer-internal.yaml"))["ca"];
  assert.equal(await secretOf("trust-both"), { secretName: "old-ca" });
  assert.equal(await secretOf("issue-new"), { secretName: "new-ca" });
  assert.equal(await secretOf("drop-old"), { secretName: "new-ca" });
});

test("a CA cert-manager makes, bootstrapped by a selfSigned Issuer in cert-manager's namespace, refers to it as kind Issuer", async () => {
  const policy = (namespace: string): string =>
    `${HEADER}authorities:\n  root: { certManager: { issuer: boot } }\nissuers:\n  boot: { namespace: ${namespace}, selfSigned: {} }\n  internal: { ca: { authority: root } }\nmtls: {}\n`;
  const made = await compileText(policy("cert-manager"));
  assert.equal(codesAt(made), []);
  const out = objects(made);
  // cert-manager looks an Issuer up in the Certificate's namespace (pkg/issuer/helper.go GetGenericIssuer).
  assert.equal(spec(out.get("cert-manager/certificate-root-ca.yaml"))["issuerRef"], { group: "cert-manager.io", kind: "Issuer", name: "boot" });
  assert.ok(out.get("cert-manager/issuer-boot.yaml"));
  assert.equal(codesAt(await compileText(policy("team"))), [["MS2017", 6, 34]]);
});

test("router certificates get a Certificate only where the router terminates TLS", async () => {
  const result = await compileText(
    `${HEADER}issuers:\n  i: { selfSigned: {} }\nservices:\n  - { name: a, namespace: b, exposure: external, host: a.example.com, routeCertificate: { issuer: i }, route: { name: web } }\n  - { name: c, namespace: b, exposure: passthrough, host: c.example.com, certificate: { issuer: i }, routeCertificate: { issuer: i } }\n`,
  );
  const out = objects(result);
  assert.equal(spec(out.get("b/certificate-web-route.yaml"))["secretName"], "web-route-tls");
  assert.equal(spec(out.get("b/certificate-web-route.yaml"))["dnsNames"], ["a.example.com"]);
  assert.ok(out.get("b/certificate-c.yaml"));
  assert.not.ok(out.get("b/certificate-c-route.yaml"), "passthrough: MS2015, no router certificate");
  assert.equal(codesAt(result), [["MS2015", 9, 102]]);
});

const ACME = `issuers:\n  le:\n    acme:\n      email: a@example.com\n      solver: { http01: {} }\n`; // lines 5-9
const DNS = `issuers:\n  le:\n    acme:\n      email: a@example.com\n      solver:\n        dns01:\n`; // lines 5-10

type Case = [string, { given: string; want: Array<[string, number, number]> }];
const rules: Case[] = [
  ["MS2101 ACME serving certificate (service names)", { given: `${HEADER}${ACME}services:\n  - name: a\n    namespace: b\n    certificate: { issuer: le }\n`, want: [["MS2101", 13, 28]] }],
  ["MS2101 ACME passthrough certificate (host + service names)", { given: `${HEADER}${ACME}services:\n  - name: a\n    namespace: b\n    exposure: passthrough\n    host: a.example.com\n    certificate:\n      issuer: le\n`, want: [["MS2101", 16, 15]] }],
  ["MS2102 HTTP-01 with a wildcard host", { given: `${HEADER}${ACME}services:\n  - name: a\n    namespace: b\n    exposure: external\n    host: "*.a.example.com"\n    routeCertificate: { issuer: le }\n`, want: [["MS2102", 14, 11]] }],
  ["MS2102 HTTP-01 wildcard under cert-manager-routes", { given: `${HEADER}platform: { routeCertificates: cert-manager-routes }\n${ACME}services:\n  - { name: a, namespace: b, exposure: external, host: "*.a.example.com", routeCertificate: { issuer: le } }\n`, want: [["MS2102", 12, 56]] }],
  ["MS2103 staging server", { given: `${HEADER}issuers:\n  le:\n    acme:\n      server: staging\n      email: a@example.com\n      solver: { http01: {} }\nmtls: {}\n`, want: [["MS2103", 8, 15]] }],
  ["MS2104 keystores without password", { given: `${HEADER}issuers:\n  i: { selfSigned: {} }\nservices:\n  - name: a\n    namespace: b\n    certificate:\n      issuer: i\n      keystores: [pkcs12]\n`, want: [["MS2104", 12, 7]] }],
  ["MS2105 password without keystores", { given: `${HEADER}issuers:\n  i: { selfSigned: {} }\nservices:\n  - name: a\n    namespace: b\n    certificate:\n      issuer: i\n      keystorePasswordSecretRef: { name: p, key: k }\n`, want: [["MS2105", 12, 7]] }],
  ["MS2106 ClusterIssuer with a CA Secret outside cert-manager's namespace", { given: `${HEADER}authorities:\n  root: { existingSecret: { name: r, namespace: team } }\nissuers:\n  ca:\n    ca: { authority: root }\nmtls: {}\n`, want: [["MS2106", 9, 22]] }],
  ["MS2106 Issuer with a CA Secret in another namespace", { given: `${HEADER}authorities:\n  root: { existingSecret: { name: r, namespace: cert-manager } }\nissuers:\n  ca:\n    namespace: team\n    ca: { authority: root }\nmtls: {}\n`, want: [["MS2106", 10, 22]] }],
  ["MS2106 Issuer on a CA cert-manager keeps in its own namespace", { given: `${HEADER}authorities:\n  root: { certManager: { issuer: boot, keyAlgorithm: ECDSA-P256 } }\nissuers:\n  boot: { selfSigned: {} }\n  ca: { namespace: team, ca: { authority: root } }\nmtls: {}\n`, want: [["MS2106", 9, 43]] }],
  ["MS2112 namespaced Issuer from another namespace", { given: `${HEADER}issuers:\n  i: { namespace: team, selfSigned: {} }\nservices:\n  - name: a\n    namespace: b\n    certificate: { issuer: i }\n`, want: [["MS2112", 10, 28]] }],
  ["MS2113 Route 53 with one key reference", { given: `${HEADER}${DNS}          route53: { region: r, accessKeyIDSecretRef: { name: s, key: k } }\nmtls: {}\n`, want: [["MS2113", 11, 11]] }],
  ["MS2113 Cloudflare API key without email", { given: `${HEADER}${DNS}          cloudflare: { apiKeySecretRef: { name: s, key: k } }\nmtls: {}\n`, want: [["MS2113", 11, 11]] }],
  ["MS2113 Azure half a service principal", { given: `${HEADER}${DNS}          azureDNS: { subscriptionID: s, resourceGroupName: g, clientID: c }\nmtls: {}\n`, want: [["MS2113", 11, 11]] }],
  ["MS2113 RFC 2136 key name without secret", { given: `${HEADER}${DNS}          rfc2136: { nameserver: "1.2.3.4:53", tsigKeyName: k }\nmtls: {}\n`, want: [["MS2113", 11, 11]] }],
  ["MS2114 ambient credentials on a namespaced Issuer", { given: `${HEADER}issuers:\n  le:\n    namespace: team\n    acme:\n      email: a@example.com\n      solver:\n        dns01:\n          route53: { region: r }\nmtls: {}\n`, want: [["MS2114", 12, 11]] }],
  ["MS2002 certificate Secret overwriting an ACME account key", { given: `${HEADER}${ACME}services:\n  - name: a\n    namespace: cert-manager\n    exposure: external\n    host: a.example.com\n    routeCertificate: { issuer: le, secretName: le-account-key }\n`, want: [["MS2002", 15, 49]] }],
];

for (const [name, { given, want }] of rules) {
  test(`rule ${name}`, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want, JSON.stringify(result.diagnostics.map((d) => d.message)));
  });
}

test("ACME rules do not fire on router certificates for public hosts", async () => {
  const result = await compileText(`${HEADER}${ACME}services:\n  - { name: a, namespace: b, exposure: reencrypt, host: a.example.com, routeCertificate: { issuer: le } }\n`);
  assert.equal(result.diagnostics, []);
});

test.run();
