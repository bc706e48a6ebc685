import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseAllDocuments } from "yaml";
import { compilePolicy } from "../src/compile.js";
import { PREVIOUS_KINDS } from "../src/targets/registry.js";
import { readPreviousObjects } from "../src/write/previous-output.js";
import { writeOutputDir } from "../src/write/write-dir.js";
import { codesAt, compileText, HEADER, objects, writePolicy } from "./helpers/policy.js";

const mesh = (flavor: string, extra = ""): string => `${HEADER}platform:\n  serviceMesh: { flavor: ${flavor}, owned: true }\n${extra}`;
const SERVICES = "services:\n  - { name: api, namespace: shop, targetPort: 8443, selector: { app: api }, mtls: PERMISSIVE }\n";

test("maistra-v2: SMCP dataPlane.mtls, no operator-owned PeerAuthentication, per namespace and per port", async () => {
  const result = await compileText(mesh("maistra-v2", `mtls:\n  mode: STRICT\n  namespaces: { legacy: DISABLE }\n${SERVICES}`));
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const smcp = out.get("istio-system/servicemeshcontrolplane-basic.yaml") ?? {};
  assert.is(smcp["apiVersion"], "maistra.io/v2");
  const security = (smcp["spec"] as { security: Record<string, unknown> }).security;
  assert.equal(security["dataPlane"], { mtls: true });
  assert.equal((security["controlPlane"] as { tls: { minProtocolVersion: string } }).tls.minProtocolVersion, "TLSv1_2");
  // enable-mesh-mtls.yaml renders PeerAuthentication istio-system/default itself: never emit it.
  assert.not.ok([...out.keys()].some((p) => p.startsWith("istio-system/") && !p.includes("servicemeshcontrolplane")), [...out.keys()].join(", "));
  const legacy = out.get("legacy/peerauthentication-default.yaml") ?? {};
  assert.is(legacy["apiVersion"], "security.istio.io/v1beta1");
  assert.equal(legacy["spec"], { mtls: { mode: "DISABLE" } });
  assert.equal(out.get("shop/peerauthentication-api.yaml")?.["spec"], { mtls: { mode: "STRICT" }, portLevelMtls: { "8443": { mode: "PERMISSIVE" } }, selector: { matchLabels: { app: "api" } } });
  assert.not.ok(out.has("shop/peerauthentication-default.yaml"), "shop follows the mesh-wide policy");
});

test("maistra-v1: mesh-wide STRICT through global.mtls.enabled only; no Policy or DestinationRule in istio-system", async () => {
  const result = await compileText(mesh("maistra-v1", `mtls:\n  mode: STRICT\n  namespaces: { legacy: PERMISSIVE }\n`));
  assert.equal(result.diagnostics.map((d) => d.code), ["MS2257"]);
  const out = objects(result);
  const smcp = out.get("istio-system/servicemeshcontrolplane-basic.yaml") ?? {};
  assert.is(smcp["apiVersion"], "maistra.io/v1");
  assert.equal((smcp["spec"] as { istio: { global: { mtls: unknown } } }).istio.global.mtls, { enabled: true });
  assert.equal((smcp["spec"] as { istio: { security: unknown } }).istio.security, { selfSigned: true });
  // A Policy in istio-system only covers istio-system; the operator renders ServiceMeshPolicy and DestinationRule default.
  assert.not.ok(out.has("istio-system/policy-default.yaml"));
  assert.not.ok(out.has("istio-system/destinationrule-default.yaml"));
  assert.equal(out.get("legacy/policy-default.yaml")?.["spec"], { peers: [{ mtls: { mode: "PERMISSIVE" } }] });
});

test("maistra-v1 PERMISSIVE mesh-wide: global.mtls.enabled false, STRICT namespace gets a client-side ISTIO_MUTUAL rule", async () => {
  const result = await compileText(mesh("maistra-v1", "mtls:\n  mode: PERMISSIVE\n  namespaces: { payments: STRICT }\n"));
  const out = objects(result);
  assert.equal((out.get("istio-system/servicemeshcontrolplane-basic.yaml")?.["spec"] as { istio: { global: { mtls: unknown } } }).istio.global.mtls, { enabled: false });
  assert.equal(out.get("payments/policy-default.yaml")?.["spec"], { peers: [{ mtls: {} }] });
  // No DestinationRule and auto mTLS off on 1.1: clients would send plain text to a STRICT namespace.
  const dr = out.get("payments/destinationrule-mtls.yaml") ?? {};
  assert.is(dr["apiVersion"], "networking.istio.io/v1alpha3");
  assert.equal(dr["spec"], { exportTo: ["*"], host: "*.payments.svc.cluster.local", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } });
});

test("maistra-v1 per-service Policy targets the Service port, not the targetPort", async () => {
  const result = await compileText(mesh("maistra-v1", "mtls: { mode: STRICT }\nservices:\n  - { name: web, namespace: shop, port: 443, targetPort: 8443, exposure: reencrypt, host: web.apps.example.com, mtls: PERMISSIVE, workload: { name: web } }\n"));
  assert.equal(result.diagnostics.map((d) => d.code), ["MS2257"], "no MS2251: Policy targets need no selector");
  assert.equal(objects(result).get("shop/policy-web.yaml")?.["spec"], { peers: [{ mtls: { mode: "PERMISSIVE" } }], targets: [{ name: "web", ports: [{ number: 443 }] }] });
});

test("client side: a DISABLE namespace under the operator's ISTIO_MUTUAL default gets a DISABLE DestinationRule", async () => {
  const v2 = objects(await compileText(mesh("maistra-v2", "mtls:\n  mode: STRICT\n  namespaces: { legacy: DISABLE }\n")));
  const dr = v2.get("legacy/destinationrule-mtls.yaml") ?? {};
  assert.is(dr["apiVersion"], "networking.istio.io/v1beta1");
  assert.equal(dr["spec"], { exportTo: ["*"], host: "*.legacy.svc.cluster.local", trafficPolicy: { tls: { mode: "DISABLE" } } });
  assert.is(((dr["metadata"] as Record<string, Record<string, string>>)["annotations"] ?? {})["argocd.argoproj.io/sync-wave"], "0");
  const v1 = objects(await compileText(mesh("maistra-v1", "mtls:\n  mode: STRICT\n  namespaces: { legacy: DISABLE }\n")));
  assert.equal(v1.get("legacy/destinationrule-mtls.yaml")?.["spec"], { exportTo: ["*"], host: "*.legacy.svc.cluster.local", trafficPolicy: { tls: { mode: "DISABLE" } } });
  // Without the operator's default rule, auto mTLS already follows a namespace-level DISABLE.
  const permissive = objects(await compileText(mesh("maistra-v2", "mtls:\n  mode: PERMISSIVE\n  namespaces: { legacy: DISABLE }\n")));
  assert.not.ok([...permissive.keys()].some((p) => p.includes("destinationrule")));
  const sail = objects(await compileText(mesh("sail", "mtls:\n  mode: STRICT\n  namespaces: { legacy: DISABLE }\n")));
  assert.not.ok([...sail.keys()].some((p) => p.includes("destinationrule")));
});

test("client side: a per-service DISABLE needs a DestinationRule on its Service port (auto mTLS ignores workload policies)", async () => {
  const sail = objects(await compileText(mesh("sail", "mtls: { mode: STRICT }\nservices:\n  - { name: db, namespace: shop, port: 5432, targetPort: 15432, selector: { app: db }, mtls: DISABLE }\n")));
  assert.equal(sail.get("shop/peerauthentication-db.yaml")?.["spec"], { mtls: { mode: "STRICT" }, portLevelMtls: { "15432": { mode: "DISABLE" } }, selector: { matchLabels: { app: "db" } } });
  assert.equal(sail.get("shop/destinationrule-mtls-db.yaml")?.["spec"], { exportTo: ["*"], host: "db.shop.svc.cluster.local", trafficPolicy: { portLevelSettings: [{ port: { number: 5432 }, tls: { mode: "DISABLE" } }] } });
  // Under the operator's explicit ISTIO_MUTUAL default the other ports must keep ISTIO_MUTUAL: one rule per host is chosen.
  const v2 = objects(await compileText(mesh("maistra-v2", "mtls: { mode: STRICT }\nservices:\n  - { name: db, namespace: shop, port: 5432, targetPort: 15432, selector: { app: db }, mtls: DISABLE }\n")));
  assert.equal(v2.get("shop/destinationrule-mtls-db.yaml")?.["spec"], { exportTo: ["*"], host: "db.shop.svc.cluster.local", trafficPolicy: { portLevelSettings: [{ port: { number: 5432 }, tls: { mode: "DISABLE" } }], tls: { mode: "ISTIO_MUTUAL" } } });
});

test("mesh-wide DISABLE on Maistra: each namespace of the policy gets a DISABLE policy, and MS2256 says the rest stays PERMISSIVE", async () => {
  const result = await compileText(mesh("maistra-v2", "mtls: { mode: DISABLE }\nservices:\n  - { name: api, namespace: shop }\n"));
  assert.equal(codesAt(result), [["MS2256", 7, 9]]);
  const out = objects(result);
  assert.equal((out.get("istio-system/servicemeshcontrolplane-basic.yaml")?.["spec"] as { security: { dataPlane: unknown } }).security.dataPlane, { mtls: false });
  assert.equal(out.get("shop/peerauthentication-default.yaml")?.["spec"], { mtls: { mode: "DISABLE" } });
  const v1 = objects(await compileText(mesh("maistra-v1", "mtls: { mode: DISABLE }\nservices:\n  - { name: api, namespace: shop }\n")));
  assert.equal(v1.get("shop/policy-default.yaml")?.["spec"], {});
});

test("maistra-v1 version: MS2257 always, MS2258 for a version other than v1.1; a given version is written", async () => {
  const v11 = await compileText(`${HEADER}platform:\n  serviceMesh: { flavor: maistra-v1, owned: true, version: v1.1 }\nmtls: { mode: STRICT }\n`);
  assert.equal(codesAt(v11), [["MS2257", 6, 26]]);
  assert.is((objects(v11).get("istio-system/servicemeshcontrolplane-basic.yaml")?.["spec"] as { version: string }).version, "v1.1");
  const v26 = await compileText(`${HEADER}platform:\n  serviceMesh: { flavor: maistra-v1, owned: true, version: v2.6 }\nmtls: { mode: STRICT }\n`);
  assert.equal(codesAt(v26), [["MS2257", 6, 26], ["MS2258", 6, 60]]);
});

test("membership: a ServiceMeshMember default per namespace on Maistra", async () => {
  for (const flavor of ["maistra-v1", "maistra-v2"]) {
    const out = objects(await compileText(mesh(flavor, `mtls:\n  mode: STRICT\n  namespaces: { legacy: PERMISSIVE }\n${SERVICES}`)));
    for (const ns of ["legacy", "shop"]) {
      const smm = out.get(`${ns}/servicemeshmember-default.yaml`) ?? {};
      assert.is(smm["apiVersion"], "maistra.io/v1", `${flavor} ${ns}`);
      assert.equal(smm["spec"], { controlPlaneRef: { name: "basic", namespace: "istio-system" } });
    }
    assert.not.ok(out.has("istio-system/servicemeshmember-default.yaml"), "the control plane namespace is not a member of itself");
  }
});

test("membership: false leaves membership to the mesh installation", async () => {
  for (const flavor of ["maistra-v2", "sail"]) {
    const out = objects(await compileText(`${HEADER}platform:\n  serviceMesh: { flavor: ${flavor}, owned: true, membership: false }\nmtls: { mode: STRICT }\nservices:\n  - { name: api, namespace: shop, selector: { app: api } }\n`));
    assert.not.ok([...out.keys()].some((p) => p.includes("servicemeshmember") || p.includes("namespace-")), [...out.keys()].join(", "));
  }
});

test("membership on Sail: the revision's injection label as a Namespace patch, checked on the merged result", async () => {
  const named = objects(await compileText(`${HEADER}platform:\n  serviceMesh: { flavor: sail, controlPlane: prod, owned: true }\nmtls: { mode: STRICT }\nservices:\n  - { name: api, namespace: shop }\n`));
  assert.equal(named.get("patches/cluster/namespace-shop.yaml"), { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "istio.io/rev": "prod" } } });
  const result = await compileText(`${HEADER}platform:\n  serviceMesh: { flavor: sail, controlPlane: default, owned: true }\nmtls: { mode: STRICT }\nservices:\n  - { name: api, namespace: shop }\n`);
  const dir = mkdtempSync(join(tmpdir(), "ms-sail-"));
  assert.equal(await writeOutputDir(join(dir, "out"), result.tree?.files ?? new Map()), []);
  // The application's own Namespace, with our patches Component on top, as Argo CD's kustomize builds it.
  mkdirSync(join(dir, "app"));
  writeFileSync(join(dir, "app", "namespace.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: { team: shop }\n");
  writeFileSync(join(dir, "app", "service.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  ports: [{ port: 8443 }]\n");
  writeFileSync(join(dir, "app", "kustomization.yaml"), "resources: [namespace.yaml, service.yaml]\ncomponents: [../out/patches]\n");
  const built = spawnSync("kubectl", ["kustomize", join(dir, "app")], { encoding: "utf8" });
  assert.is(built.status, 0, built.stderr);
  const namespace = parseAllDocuments(built.stdout).map((d) => d.toJSON() as { kind: string; metadata: { labels?: unknown } }).find((o) => o.kind === "Namespace");
  assert.equal(namespace?.metadata.labels, { "istio-injection": "enabled", team: "shop" });
});

test("sail: cluster-scoped Istio with spec.namespace, PeerAuthentication v1", async () => {
  const result = await compileText(mesh("sail", "mtls: { mode: STRICT }\n"));
  const out = objects(result);
  const istio = out.get("cluster/istio-basic.yaml") ?? {};
  assert.is(istio["apiVersion"], "sailoperator.io/v1");
  assert.is((istio["spec"] as { namespace: string }).namespace, "istio-system");
  assert.is(out.get("istio-system/peerauthentication-default.yaml")?.["apiVersion"], "security.istio.io/v1");
});

test("plug-in CA: v2 certificateAuthority Istiod PrivateKey /etc/cacerts; v1 selfSigned false", async () => {
  const ca = "  certificateAuthority: mesh-ca\n";
  const authorities = 'authorities:\n  mesh-ca: { generate: { subject: "CN=mesh" } }\nmtls: { mode: STRICT }\n';
  const v2 = await compileText(`${HEADER}platform:\n  serviceMesh:\n    flavor: maistra-v2\n    owned: true\n  ${ca}${authorities}`);
  assert.equal(((objects(v2).get("istio-system/servicemeshcontrolplane-basic.yaml")?.["spec"] as { security: Record<string, unknown> }).security)["certificateAuthority"], {
    type: "Istiod",
    istiod: { type: "PrivateKey", privateKey: { rootCADir: "/etc/cacerts" } },
  });
  const v1 = await compileText(`${HEADER}platform:\n  serviceMesh:\n    flavor: maistra-v1\n    owned: true\n  ${ca}${authorities}`);
  assert.equal((objects(v1).get("istio-system/servicemeshcontrolplane-basic.yaml")?.["spec"] as { istio: { security: unknown } }).istio.security, { selfSigned: false });
});

test("not owned: the control plane settings are a patch", async () => {
  const result = await compileText(`${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2 }\nmtls: { mode: STRICT }\n`);
  assert.ok(objects(result).has("patches/istio-system/servicemeshcontrolplane-basic.yaml"));
});

test("explain lists the effective mode per namespace and workload, and where it comes from", async () => {
  const result = await compileText(mesh("maistra-v2", `mtls:\n  mode: STRICT\n  namespaces: { legacy: DISABLE }\n${SERVICES}`));
  const notes = result.notes.map((n) => `${n.subject}: ${n.text}`);
  assert.ok(notes.includes("mesh namespace legacy: mTLS DISABLE (from mtls.namespaces.legacy)"), notes.join("\n"));
  assert.ok(notes.includes("mesh namespace shop: mTLS STRICT (from mtls.mode, mesh-wide)"));
  assert.ok(notes.some((n) => n.startsWith("service shop/api: mTLS PERMISSIVE (from services[].mtls, port 8443 only)")));
});

test("DISABLE straight to STRICT against the previous output warns (MS2254)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-mesh-"));
  const out = join(dir, "out");
  const before = await compileText(mesh("maistra-v2", "mtls:\n  mode: PERMISSIVE\n  namespaces: { shop: DISABLE }\n"));
  assert.equal(await writeOutputDir(out, before.tree?.files ?? new Map()), []);
  const previous = await readPreviousObjects(out, PREVIOUS_KINDS);
  assert.ok(previous.has("PeerAuthentication/shop/default"));
  // Only the kinds a rule compares with are read back (the control plane is in that output too).
  assert.ok(before.tree?.files.has("istio-system/servicemeshcontrolplane-basic.yaml"));
  assert.equal([...previous.keys()].filter((key) => !/^(PeerAuthentication|Policy)\//.test(key)), []);
  const strict = writePolicy(mesh("maistra-v2", "mtls:\n  mode: PERMISSIVE\n  namespaces: { shop: STRICT }\n"));
  const after = await compilePolicy({ policyFile: strict, previous });
  assert.equal(codesAt(after), [["MS2254", 9, 23]]);
  const viaPermissive = await compilePolicy({ policyFile: writePolicy(mesh("maistra-v2", "mtls:\n  mode: PERMISSIVE\n  namespaces: { shop: PERMISSIVE }\n")), previous });
  assert.equal(viaPermissive.diagnostics, []);
});

type Case = [string, { given: string; want: Array<[string, number, number]> }];
const rules: Case[] = [
  ["mtls without a mesh", { given: `${HEADER}mtls:\n  mode: STRICT\n`, want: [["MS2250", 6, 9]] }],
  ["per-workload without selector", { given: mesh("maistra-v2", "services:\n  - { name: api, namespace: shop, mtls: STRICT }\n"), want: [["MS2251", 8, 41]] }],
  ["called from outside under STRICT", { given: mesh("maistra-v2", "mtls: { mode: STRICT }\nservices:\n  - { name: api, namespace: shop, calledFromOutsideMesh: true }\n"), want: [["MS2252", 9, 58], ["MS2260", 9, 58]] }],
  ["Route to STRICT workload", { given: mesh("sail", "mtls: { mode: STRICT }\nservices:\n  - { name: api, namespace: shop, exposure: reencrypt, host: a.example.com }\n"), want: [["MS2253", 9, 45]] }],
  ["override for the mesh namespace", { given: mesh("sail", "mtls:\n  namespaces: { istio-system: STRICT }\n"), want: [["MS2255", 8, 17]] }],
  ["mesh-wide DISABLE on Maistra 1.x", { given: mesh("maistra-v1", "mtls: { mode: DISABLE }\n"), want: [["MS2257", 6, 26], ["MS2256", 7, 9]] }],
];
for (const [name, { given, want }] of rules) {
  test(`mesh rule: ${name}`, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want, JSON.stringify(result.diagnostics.map((d) => d.message)));
  });
}

test.run();
