import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildCallGraph } from "../src/model/call-graph.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { codesAt, compileText, HEADER, objects } from "./helpers/policy.js";

type Obj = Record<string, unknown>;
const WEB = "  - { name: web, namespace: shop, workload: { name: web, container: web, serviceAccount: web } }\n";
const mesh = (flavor: string): string => `${HEADER}platform:\n  serviceMesh: { flavor: ${flavor}, owned: true }\n`;

// [code, policy, where it points]: each rule fires alone, at the key or value that causes it.
const POSITIONS: Array<[string, number, number]> = [
  ["MS2601", 8, 20], // certificate.mountPath (the key)
  ["MS2602", 9, 5], // workload
  ["MS2603", 7, 45], // the callers entry
  ["MS2604", 9, 69],
  ["MS2605", 7, 45],
  ["MS2606", 6, 74], // the second serviceAccount
  ["MS2607", 6, 61], // the second mountPath
  ["MS2608", 9, 65], // callers (the key)
  ["MS2609", 9, 74],
  ["MS2610", 9, 35],
  ["MS2611", 11, 126],
  ["MS2612", 9, 71], // targetPort
  ["MS2613", 7, 50],
];
for (const [code, line, column] of POSITIONS) {
  test(`${code} alone, at ${line}:${column}`, async () => {
    const result = await compileText(DIAGNOSTIC_EXAMPLES[code] ?? "");
    // The flavor's own warnings (MS2256 mesh-wide DISABLE, MS2257 maistra-v1's operator) are not the subject here.
    assert.equal(codesAt(result).filter(([c]) => c !== "MS2256" && c !== "MS2257"), [[code, line, column]]);
  });
}

test("MS2603 suggests the closest service, in the form written", async () => {
  const result = await compileText(`${HEADER}services:\n${WEB}  - { name: api, namespace: shop, callers: [wbe, shp/web] }\n`);
  assert.equal(result.diagnostics.map((d) => [d.code, d.hint]), [
    ["MS2603", "did you mean `web`?"],
    ["MS2603", "did you mean `shop/web`?"],
  ]);
});

test("a caller with a schema error is not reported again as undeclared", async () => {
  // The schema error is recovered (the entry stays), so the caller's own rule still runs: it has no workload.
  const result = await compileText(`${HEADER}services:\n  - { name: web, namespace: shop, port: 0 }\n  - { name: api, namespace: shop, callers: [web] }\n`);
  assert.equal(result.diagnostics.map((d) => d.code), ["MS1007", "MS2605"]);
});

test("reloadOnRotation defaults to the workload where Reloader runs, and only there", async () => {
  const on = objects(await compileText(`${HEADER}platform: { reloader: true }\nservices:\n  - { name: api, namespace: shop, workload: { kind: StatefulSet, name: db } }\n`));
  assert.equal(on.get("patches/shop/statefulset-db.yaml"), { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "shop", annotations: { "secret.reloader.stakater.com/reload": "api-tls" } } });
  const off = await compileText(`${HEADER}services:\n  - { name: api, namespace: shop, workload: { kind: StatefulSet, name: db } }\n`);
  assert.equal(off.diagnostics, [], "no MS2111 for a default");
  assert.not.ok(off.tree?.files.has("patches/shop/statefulset-db.yaml"));
});

test("two services on one workload: one patch, a volume each, both in the one container", async () => {
  const result = await compileText(
    `${HEADER}services:\n  - { name: api, namespace: shop, certificate: { mountPath: /tls/api }, workload: { kind: DaemonSet, name: app, container: app } }\n  - { name: admin, namespace: shop, certificate: { mountPath: /tls/admin }, workload: { kind: DaemonSet, name: app, container: app } }\n`,
  );
  assert.equal(result.diagnostics, []);
  const spec = ((objects(result).get("patches/shop/daemonset-app.yaml")?.["spec"] as Obj)["template"] as Obj)["spec"];
  assert.equal(spec, {
    containers: [{ name: "app", volumeMounts: [{ mountPath: "/tls/admin", name: "cert-admin", readOnly: true }, { mountPath: "/tls/api", name: "cert-api", readOnly: true }] }],
    volumes: [{ name: "cert-admin", secret: { secretName: "admin-tls" } }, { name: "cert-api", secret: { secretName: "api-tls" } }],
  });
});

test("trust: a generated authority's roots in a ConfigMap of the caller's namespace; the Service CA through injection", async () => {
  const result = await compileText(
    `${HEADER}authorities:\n  internal: { generate: { keyAlgorithm: ECDSA-P256, subject: "CN=internal", validityDays: 365 } }\nissuers:\n  internal: { ca: { authority: internal } }\nservices:\n` +
      `  - { name: web, namespace: front, workload: { name: web, container: web } }\n` +
      `  - { name: api, namespace: back, certificate: { issuer: internal }, callers: [front/web] }\n` +
      `  - { name: auth, namespace: back, callers: [front/web] }\n`,
    { missingMaterial: "generate" },
  );
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const roots = out.get("front/configmap-trust-internal.yaml");
  assert.match(String((roots?.["data"] as Obj)["ca.crt"]), /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
  const injected = out.get("front/configmap-service-ca-trust.yaml") ?? {};
  assert.equal((injected["metadata"] as Obj)["annotations"], { "argocd.argoproj.io/sync-wave": "0", "service.beta.openshift.io/inject-cabundle": "true" });
  assert.is(injected["data"], undefined, "the injector owns the data");
  const volumes = (((out.get("patches/front/deployment-web.yaml")?.["spec"] as Obj)["template"] as Obj)["spec"] as Obj)["volumes"];
  assert.equal(volumes, [
    {
      name: "mesh-security-trust",
      projected: {
        sources: [
          { configMap: { name: "service-ca-trust", items: [{ key: "service-ca.crt", path: "auth.back.pem" }] } },
          { configMap: { name: "trust-internal", items: [{ key: "ca.crt", path: "api.back.pem" }] } },
        ],
      },
    },
  ]);
  assert.not.ok(out.has("back/configmap-trust-internal.yaml"), "only where callers run");
});

test("call graph: pure, from the model; without a mesh authorization is not enforced", async () => {
  const result = await compileText(`${HEADER}services:\n${WEB}  - { name: api, namespace: shop, certificate: { mountPath: /tls }, workload: { name: api, container: api }, callers: [web] }\n`);
  assert.ok(result.model);
  const graph = buildCallGraph(result.model);
  assert.equal(graph.callees, [], "no mesh, nothing to authorize");
  assert.equal(
    graph.edges.map((e) => ({ from: e.caller.name, to: e.callee.name, trust: e.trust.type, file: e.trustFile, presents: e.presents, authz: e.authorization, mtls: e.mtls })),
    [{ from: "web", to: "api", trust: "service-ca", file: "/etc/mesh-security/trust/api.shop.pem", presents: { issuer: "service-ca", secretName: "api-tls", mountPath: "/tls", container: "api" }, authz: { enforced: false }, mtls: undefined }],
  );
  assert.ok(result.notes.some((n) => n.subject === "service shop/api" && /authorization is not enforced/.test(n.text)));
  assert.ok(result.notes.some((n) => n.subject === "calls" && /^shop\/web → shop\/api: client trusts the Service CA/.test(n.text)));
});

test("maistra-v2: AuthorizationPolicy v1beta1 with the callers' principals in the configured trust domain", async () => {
  const result = await compileText(
    `${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2, owned: true, trustDomain: prod.example.com }\nmtls: { mode: STRICT }\nservices:\n${WEB}  - { name: api, namespace: shop, selector: { app: api }, callers: [web] }\n`,
  );
  assert.equal(result.diagnostics, []);
  const policy = objects(result).get("shop/authorizationpolicy-api.yaml") ?? {};
  assert.is(policy["apiVersion"], "security.istio.io/v1beta1");
  // STRICT: no rule for identity-less clients, whatever else reaches the pods is denied.
  assert.equal(policy["spec"], { action: "ALLOW", rules: [{ from: [{ source: { principals: ["prod.example.com/ns/shop/sa/web"] } }], to: [{ operation: { ports: ["8443"] } }] }], selector: { matchLabels: { app: "api" } } });
});

test("maistra-v1: v1beta1 without action and without notPrincipals (Istio 1.4's CRD)", async () => {
  const result = await compileText(DIAGNOSTIC_EXAMPLES["MS2611"] ?? "");
  const policy = objects(result).get("shop/authorizationpolicy-api.yaml") ?? {};
  assert.is(policy["apiVersion"], "security.istio.io/v1beta1");
  assert.equal(policy["spec"], {
    rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }], to: [{ operation: { ports: ["8443"] } }] }, { to: [{ operation: { ports: ["8443"] } }] }],
    selector: { matchLabels: { app: "api" } },
  });
});

test("sail: the router's rule only on a PERMISSIVE Route port; a named targetPort opens every port (MS2612)", async () => {
  const route = "exposure: reencrypt, host: api.apps.example.com";
  const strict = await compileText(`${mesh("sail")}mtls: { mode: STRICT }\nservices:\n${WEB}  - { name: api, namespace: shop, selector: { app: api }, ${route}, callers: [web] }\n`);
  assert.equal(strict.diagnostics.map((d) => d.code), ["MS2253"], "the router cannot pass STRICT anyway");
  assert.equal(((objects(strict).get("shop/authorizationpolicy-api.yaml")?.["spec"] as Obj)["rules"] as Obj[]).length, 1);
  const named = await compileText(`${mesh("sail")}services:\n${WEB}  - { name: api, namespace: shop, selector: { app: api }, ${route}, targetPort: https, callers: [web] }\n`);
  assert.equal(named.diagnostics.map((d) => d.code), ["MS2612"]);
  const spec = objects(named).get("shop/authorizationpolicy-api.yaml")?.["spec"] as Obj;
  assert.equal(spec["rules"], [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }] }, { from: [{ source: { notPrincipals: ["*"] } }] }]);
});

// notPrincipals ["*"] matches every connection without a mesh identity, not only the router's.
// explain says what else it admits, per flavor, and where the network narrows it.
const ADMITS: Array<[string, { flavor: string; want: RegExp }]> = [
  ["maistra-v2: narrowed by the operator's NetworkPolicies", { flavor: "maistra-v2", want: /on port 8443 it also admits pods without a sidecar and clients whose DestinationRule turns mTLS off; Maistra's NetworkPolicies let them in only from the mesh's member namespaces and the router's \(the pods carry maistra\.io\/expose-route\)\. An undeclared workload that calls through its sidecar presents its identity and is denied/ }],
  ["sail: not narrowed, and no NetworkPolicy emitted", { flavor: "sail", want: /on port 8443 it also admits pods without a sidecar and clients whose DestinationRule turns mTLS off, from any namespace the network lets reach it \(no NetworkPolicy is emitted/ }],
  ["maistra-v1: the port is open to every client", { flavor: "maistra-v1", want: /Maistra 1\.x has no notPrincipals: port 8443 is open to every client that reaches it, undeclared mesh workloads included/ }],
];
for (const [name, { flavor, want }] of ADMITS) {
  test(`explain says what the router rule admits: ${name}`, async () => {
    const result = await compileText(`${mesh(flavor)}services:\n${WEB}  - { name: api, namespace: shop, selector: { app: api }, exposure: reencrypt, host: api.apps.example.com, targetPort: 8443, callers: [web], workload: { name: api } }\n`);
    const note = (result.notes ?? []).find((n) => n.subject === "service shop/api" && n.text.startsWith("AuthorizationPolicy api"));
    assert.ok(note, (result.notes ?? []).map((n) => `${n.subject}: ${n.text}`).join("\n"));
    assert.match(note.text, want);
  });
}

test("trust during a rotation: trust-both carries both roots, drop-old only the next one", async () => {
  const gen = (cn: string): string => `{ generate: { keyAlgorithm: ECDSA-P256, subject: "CN=${cn}", validityDays: 365 } }`;
  const policy = (phase: string): string =>
    `${HEADER}authorities:\n  internal: ${gen("old")}\n  internal-2027: ${gen("new")}\nissuers:\n  internal: { ca: { authority: internal } }\nrotation: { authority: internal, next: internal-2027, phase: ${phase} }\nservices:\n` +
    `  - { name: web, namespace: shop, workload: { name: web, container: web } }\n  - { name: api, namespace: shop, certificate: { issuer: internal }, callers: [web] }\n`;
  const pem = async (phase: string): Promise<string> => {
    // Each phase compiled on its own (no rotation record), so a phase past trust-both needs the override (MS2313).
    const result = await compileText(policy(phase), { missingMaterial: "generate", allowUnsafeRotation: phase !== "trust-both" });
    assert.equal(result.diagnostics.filter((d) => d.code !== "MS2313"), [], phase);
    return String((objects(result).get("shop/configmap-trust-internal.yaml")?.["data"] as Obj)["ca.crt"]);
  };
  assert.is((await pem("trust-both")).match(/BEGIN CERTIFICATE/g)?.length, 2);
  assert.is((await pem("drop-old")).match(/BEGIN CERTIFICATE/g)?.length, 1);
});

test("trust-manager: a CA cert-manager makes is copied from its Secret; one outside the trust namespace is MS2407", async () => {
  const services = `services:\n  - { name: web, namespace: shop, workload: { name: web, container: web } }\n  - { name: api, namespace: shop, certificate: { issuer: internal }, callers: [web] }\n`;
  const made = await compileText(`${HEADER}issuers:\n  bootstrap: { selfSigned: {} }\n  internal: { ca: { authority: root } }\nauthorities:\n  root: { certManager: { issuer: bootstrap } }\n${services}`);
  assert.equal(made.diagnostics, []);
  const bundle = objects(made).get("cluster/bundle-trust-root.yaml")?.["spec"] as Obj;
  assert.equal(bundle["sources"], [{ secret: { name: "root-ca", key: "ca.crt" } }]);
  assert.equal(bundle["target"], { configMap: { key: "ca.crt" }, namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["shop"] }] } });
  // matchExpressions needs trust-manager v0.14+; explain says so (before, it lands everywhere).
  assert.ok(
    (made.notes ?? []).some((n) => /Bundle trust-root needs trust-manager v0\.14\.0 or later .*namespaceSelector\.matchExpressions, which older versions ignore/.test(n.text)),
    (made.notes ?? []).map((n) => n.text).join("\n"),
  );
  const elsewhere = await compileText(`${HEADER}issuers:\n  internal: { ca: { authority: corp } }\nauthorities:\n  corp: { existingSecret: { name: corp-ca, namespace: security } }\n${services}`);
  assert.ok(elsewhere.diagnostics.some((d) => d.code === "MS2407" && /give callers the CA of `corp`/.test(d.message)));
});

// The call graph asks the same question the DestinationRules are planned from (model/client-tls.ts).
test("MS2609 on Maistra 1.x follows what clients send: plain text to PERMISSIVE, mTLS once the namespace is STRICT", async () => {
  const policy = (mode: string): string => `${mesh("maistra-v1")}mtls:\n  mode: PERMISSIVE\n  namespaces: { shop: ${mode} }\nservices:\n${WEB}  - { name: api, namespace: shop, selector: { app: api }, callers: [web] }\n`;
  const plain = await compileText(policy("PERMISSIVE"));
  assert.equal(plain.diagnostics.filter((d) => d.code.startsWith("MS26")).map((d) => d.code), ["MS2609"]);
  const strict = await compileText(policy("STRICT"));
  assert.equal(strict.diagnostics.filter((d) => d.code.startsWith("MS26")).map((d) => d.code), []);
});

test("MS2609 on Maistra 1.x with mesh-wide DISABLE: no DestinationRule, so clients send plain text", async () => {
  const result = await compileText(`${mesh("maistra-v1")}mtls:\n  mode: DISABLE\n  namespaces: { shop: PERMISSIVE }\nservices:\n${WEB}  - { name: api, namespace: shop, selector: { app: api }, callers: [web] }\n`);
  const calls = result.diagnostics.filter((d) => d.code.startsWith("MS26"));
  assert.equal(calls.map((d) => d.code), ["MS2609"]);
  assert.match(calls[0]?.message ?? "", /DestinationRule/);
});

test.run();
