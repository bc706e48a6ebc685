import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compilePolicy } from "../src/compile.js";
import { PREVIOUS_KINDS } from "../src/targets/registry.js";
import { readPreviousObjects } from "../src/write/previous-output.js";
import { writeOutputDir } from "../src/write/write-dir.js";
import { codesAt, compileText, HEADER, objects, writePolicy } from "./helpers/policy.js";

const mesh = (flavor: string, extra = ""): string => `${HEADER}platform:\n  serviceMesh: { flavor: ${flavor}, owned: true }\n${extra}`;
const SERVICES = "services:\n  - { name: api, namespace: shop, targetPort: 8443, selector: { app: api }, mtls: PERMISSIVE }\n";

test("maistra-v2: SMCP dataPlane.mtls, PeerAuthentication v1beta1 mesh-wide, per namespace and per port", async () => {
  const result = await compileText(mesh("maistra-v2", `mtls:\n  mode: STRICT\n  namespaces: { legacy: DISABLE }\n${SERVICES}`));
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const smcp = out.get("istio-system/servicemeshcontrolplane-basic.yaml") ?? {};
  assert.is(smcp["apiVersion"], "maistra.io/v2");
  const security = (smcp["spec"] as { security: Record<string, unknown> }).security;
  assert.equal(security["dataPlane"], { mtls: true });
  assert.equal((security["controlPlane"] as { tls: { minProtocolVersion: string } }).tls.minProtocolVersion, "TLSv1_2");
  const meshWide = out.get("istio-system/peerauthentication-default.yaml") ?? {};
  assert.is(meshWide["apiVersion"], "security.istio.io/v1beta1");
  assert.equal(meshWide["spec"], { mtls: { mode: "STRICT" } });
  assert.is(((meshWide["metadata"] as Record<string, Record<string, string>>)["annotations"] ?? {})["argocd.argoproj.io/sync-wave"], "20");
  assert.equal(out.get("legacy/peerauthentication-default.yaml")?.["spec"], { mtls: { mode: "DISABLE" } });
  assert.equal(out.get("shop/peerauthentication-api.yaml")?.["spec"], { mtls: { mode: "STRICT" }, portLevelMtls: { "8443": { mode: "PERMISSIVE" } }, selector: { matchLabels: { app: "api" } } });
  assert.not.ok(out.has("shop/peerauthentication-default.yaml"), "shop follows the mesh-wide policy");
});

test("maistra-v1: SMCP v1 global.mtls, Policy v1alpha1 peers, DestinationRule ISTIO_MUTUAL", async () => {
  const result = await compileText(mesh("maistra-v1", `mtls:\n  mode: STRICT\n  namespaces: { legacy: PERMISSIVE }\n`));
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const smcp = out.get("istio-system/servicemeshcontrolplane-basic.yaml") ?? {};
  assert.is(smcp["apiVersion"], "maistra.io/v1");
  assert.equal((smcp["spec"] as { istio: { global: { mtls: unknown } } }).istio.global.mtls, { enabled: true });
  assert.equal((smcp["spec"] as { istio: { security: unknown } }).istio.security, { selfSigned: true });
  assert.equal(out.get("istio-system/policy-default.yaml")?.["spec"], { peers: [{ mtls: {} }] });
  assert.equal(out.get("legacy/policy-default.yaml")?.["spec"], { peers: [{ mtls: { mode: "PERMISSIVE" } }] });
  assert.equal(out.get("istio-system/destinationrule-default.yaml")?.["spec"], { host: "*.local", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } });
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
  ["called from outside under STRICT", { given: mesh("maistra-v2", "mtls: { mode: STRICT }\nservices:\n  - { name: api, namespace: shop, calledFromOutsideMesh: true }\n"), want: [["MS2252", 9, 58]] }],
  ["Route to STRICT workload", { given: mesh("sail", "mtls: { mode: STRICT }\nservices:\n  - { name: api, namespace: shop, exposure: reencrypt, host: a.example.com }\n"), want: [["MS2253", 9, 45]] }],
  ["override for the mesh namespace", { given: mesh("sail", "mtls:\n  namespaces: { istio-system: STRICT }\n"), want: [["MS2255", 8, 17]] }],
];
for (const [name, { given, want }] of rules) {
  test(`mesh rule: ${name}`, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want, JSON.stringify(result.diagnostics.map((d) => d.message)));
  });
}

test.run();
