import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { verifyDirectories, verifyTree } from "../src/verify/verify.js";
import type { VerifyResult } from "../src/verify/verify.js";
import { EXAMPLES_DIR, exampleCases, readTree } from "./helpers/examples.js";
import { dr, pa, port, svc } from "./fixtures/verify-objects.js";
import { HEADER, compileText } from "./helpers/policy.js";
import { classifyFiles } from "../src/verify/manifests.js";
import { writeRotationRecord } from "../src/ca/rotation-record.js";
import { rotateAuthority } from "../src/commands/ca-rotate.js";
import { compilePolicy } from "../src/compile.js";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";

// Examples whose committed output breaks today, each with the consumer behaviour that explains it. The test
// asserts they DO fail with exactly these codes: when a fix lands, the entry fails the test and must go.
// The last one, Ed25519 asked of an ACME issuer in route-cert-manager-routes (MS5061), is fixed.
const KNOWN_BROKEN: Record<string, string[]> = {};

const withExpected = exampleCases().filter((c) => readTree(join(EXAMPLES_DIR, c, "expected")).size > 0);

for (const example of withExpected) {
  test(`verify examples/${example}/expected: ${KNOWN_BROKEN[example] ? `known broken (${KNOWN_BROKEN[example].join(", ")})` : "every path holds"}`, () => {
    const result = verifyDirectories({ output: join(EXAMPLES_DIR, example, "expected") });
    assert.not.ok(result.unreadable);
    const codes = [...new Set(result.diagnostics.map((d) => d.code))].sort();
    assert.equal(codes, KNOWN_BROKEN[example] ?? [], result.diagnostics.map((d) => `${d.file}: ${d.code} ${d.message}`).join("\n"));
    if (!KNOWN_BROKEN[example]) assert.not.ok(result.paths.some((p) => p.result === "broken"));
    for (const d of result.diagnostics) assert.ok(d.file.startsWith(join(EXAMPLES_DIR, example, "expected")) && d.range, `${d.code} has a file and position`);
  });
}

test("every not-checked path names the input that would decide it (or says it is not modelled)", async () => {
  for (const example of withExpected) {
    for (const p of verifyDirectories({ output: join(EXAMPLES_DIR, example, "expected") }).paths) {
      if (p.result === "not checked") assert.match(p.reason ?? "", /pass `--|not modelled/, `${example}: ${p.rule}: ${p.reason ?? "(no reason)"}`);
    }
  }
});

test("KNOWN_BROKEN names only examples that exist", () => {
  for (const example of Object.keys(KNOWN_BROKEN)) assert.ok(withExpected.includes(example), example);
});

// Small policies for consumer behaviours verify once found broken in the compiler's output, compiled by today's
// compiler and verified with the application's Service where the policy does not own it. Each once produced codes
// for the behaviours its name lists (MS5010/MS5035, MS5020/MS5030, MS5021/MS5022/MS5030); an empty list means the
// policy's output verifies clean. A regression puts a code back.
const APP_SERVICE = { "app/service-api.yaml": svc("api", "shop", port("https", 443, 8443)) };
const KNOWN_BROKEN_POLICIES: Array<[string, string, string[]]> = [
  [
    "Route targetPort for a Service the policy does not own; Service CA and openshift-routes both write api-tls",
    "platform: { routeCertificates: cert-manager-routes }\nissuers:\n  le: { acme: { email: a@example.com, solver: { http01: {} } } }\nservices:\n  - { name: api, namespace: shop, port: 443, targetPort: 8443, exposure: external, host: api.example.com, routeCertificate: { issuer: le } }\n",
    [],
  ],
  [
    "PeerAuthentication istio-system/default re-emitted; a DISABLE namespace under the operator's ISTIO_MUTUAL default",
    "platform:\n  serviceMesh: { flavor: maistra-v2, owned: true }\nmtls:\n  mode: STRICT\n  namespaces: { legacy: DISABLE }\nservices:\n  - { name: old, namespace: legacy, port: 8080, selector: { app: old } }\n",
    [],
  ],
  [
    "Policy default in istio-system; DestinationRule istio-system/default re-emitted; the per-workload PERMISSIVE Policy names the targetPort",
    "platform:\n  serviceMesh: { flavor: maistra-v1, owned: true }\nmtls:\n  mode: STRICT\nservices:\n  - { name: web, namespace: shop, port: 443, targetPort: 8443, selector: { app: web }, exposure: reencrypt, host: web.example.com, mtls: PERMISSIVE }\n",
    [],
  ],
];

for (const [name, policy, want] of KNOWN_BROKEN_POLICIES) {
  test(`compiler output verifies clean: ${name}`, async () => {
    const compiled = await compileText(HEADER + policy);
    assert.ok(compiled.tree, compiled.diagnostics.map((d) => d.message).join("\n"));
    const result = verifyTree(compiled.tree?.files ?? new Map(), classifyFiles(new Map(Object.entries(APP_SERVICE)), "with"));
    assert.equal([...new Set(result.diagnostics.map((d) => d.code))].sort(), want, result.diagnostics.map((d) => `${d.file}: ${d.code} ${d.message}`).join("\n"));
  });
}

// Broken copies: one per rule, each a small edit of an example's committed output.
function copy(example: string): Map<string, string> {
  return readTree(join(EXAMPLES_DIR, example, "expected"));
}
function edit(tree: Map<string, string>, file: string, from: string | RegExp, to: string): Map<string, string> {
  const text = tree.get(file);
  assert.ok(text !== undefined, file);
  const changed = text.replace(from, to);
  assert.ok(changed !== text, `${file}: the edit applies`);
  return new Map(tree).set(file, changed);
}
function codes(result: VerifyResult): string[] {
  return result.diagnostics.map((d) => `${d.code} ${d.file}`);
}

const BROKEN_COPIES: Array<[string, () => Map<string, string>, string[]]> = [
  ["route-backend: a Route targets the Service port number of a port ≠ targetPort Service", () => edit(edit(copy("mesh-sail"), "storefront/service-web.yaml", "port: 8443\n", "port: 443\n"), "storefront/route-web.yaml", "targetPort: https", "targetPort: 443"), ["MS5010 storefront/route-web.yaml"]],
  ["route-trust: a reencrypt Route drops its destinationCA-from-secret", () => edit(copy("end-to-end-encryption"), "demo/route-customer.yaml", /\n +cert-utils-operator\.redhat-cop\.io\/destinationCA-from-secret: service-customer/, ""), ["MS5040 demo/route-customer.yaml"]],
  ["mesh-mtls: the router's port exception keyed on the Service port", () => edit(edit(copy("mesh-sail"), "storefront/service-web.yaml", "port: 8443\n", "port: 443\n"), "storefront/peerauthentication-web.yaml", '"8443":', '"443":'), ["MS5021 storefront/peerauthentication-web.yaml"]],
  ["mesh-mtls: a DISABLE namespace under the operator's ISTIO_MUTUAL default", () => edit(copy("mesh-maistra-v2"), "legacy/peerauthentication-default.yaml", "mode: PERMISSIVE", "mode: DISABLE").set("legacy/service-mainframe-gateway.yaml", svc("mainframe-gateway", "legacy", port("https", 8443, 8443))), ["MS5020 istio-system/servicemeshcontrolplane-basic.yaml", "MS5020 istio-system/servicemeshcontrolplane-basic.yaml"]],
  ["operator-owned: a DestinationRule default in the control plane namespace on 2.x", () => copy("mesh-sail").set("istio-system/destinationrule-default.yaml", dr("default", "istio-system", "*.local", "ISTIO_MUTUAL")).set("istio-system/smcp.yaml", "apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n  name: basic\n  namespace: istio-system\nspec:\n  security:\n    dataPlane:\n      mtls: true\n"), ["MS5030 istio-system/destinationrule-default.yaml", "MS5030 istio-system/peerauthentication-default.yaml"]],
  ["secret-writers: a second writer of a Service CA Secret", () => edit(copy("route-external-certificate"), "billing/certificate-invoices-route.yaml", "secretName: invoices-route-tls", "secretName: invoices-tls"), ["MS5035 billing/certificate-invoices-route.yaml", "MS5055 billing/route-invoices.yaml"]],
  ["knative-trust: the Bundle sources another Secret", () => edit(copy("knative-transport-encryption"), "cluster/bundle-knative-bundle.yaml", "name: knative-serving-ca", "name: some-other-ca"), ["MS5041 cluster/bundle-knative-bundle.yaml", "MS5041 cluster/bundle-knative-bundle.yaml"]],
];

for (const [name, make, want] of BROKEN_COPIES) {
  test(`broken copy: ${name}`, () => {
    const result = verifyTree(make());
    assert.equal(codes(result), want, JSON.stringify(result.diagnostics.map((d) => d.message), null, 1));
    assert.ok(result.paths.some((p) => p.result === "broken"));
  });
}

// The CLI: exit 0 / 1 / 2, and json is exactly one document. In this process (test/helpers/cli.ts), except
// `spawn`, the real binary, for verify's exit status 1 seen from outside (test/cli-ci.test.ts has its 4).
const BIN = join(process.cwd(), "bin", "mesh-security.js");
const spawn = (args: string[]): { status: number | null; stdout: string; stderr: string } => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
const cli = (args: string[]): Promise<CliRun> => runMain(args);

test("cli: verify exits 0 when every path holds, 1 when one breaks, 4 (I/O) on a missing directory; json is one document", async () => {
  const ok = await cli(["verify", "examples/service-ca-basics/expected"]);
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^from +to +port +client sends \/ trusts +server accepts \/ presents +result$/m);
  // The 2.x example as it was before the operator-owned objects were dropped: PeerAuthentication istio-system/default.
  const old = mkdtempSync(join(tmpdir(), "ms-verify-"));
  for (const [file, text] of copy("mesh-maistra-v2").set("istio-system/peerauthentication-default.yaml", pa("default", "istio-system", "STRICT"))) {
    mkdirSync(dirname(join(old, file)), { recursive: true });
    writeFileSync(join(old, file), text);
  }
  const broken = await cli(["verify", old, "--format", "json"]);
  assert.is(broken.status, 1);
  const doc = JSON.parse(broken.stdout) as { paths: Array<{ result: string }>; diagnostics: Array<{ code: string }> };
  assert.ok(doc.paths.some((p) => p.result === "broken"));
  assert.equal(doc.diagnostics.map((d) => d.code), ["MS5030"]);
  const text = spawn(["verify", old]);
  assert.is(text.status, 1);
  assert.match(text.stderr, /peerauthentication-default\.yaml:4:9 error MS5030 /);
  const gh = await cli(["verify", old, "--format", "github"]);
  assert.match(gh.stdout, /^::error file=.*peerauthentication-default\.yaml,line=4,col=9,.*title=MS5030::/m);
  const missing = await cli(["verify", "no/such/dir", "--format", "json"]);
  assert.is(missing.status, 4);
  assert.equal((JSON.parse(missing.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code), ["MS5001"]);
  assert.is((await cli(["verify"])).status, 2, "a missing DIR is a usage error");
});

test("cli: --secrets-dir adds the separate Secrets as writers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-verify-"));
  writeFileSync(join(dir, "secret-orders-tls.yaml"), "apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-tls\n  namespace: shop\ntype: kubernetes.io/tls\n");
  const result = await cli(["verify", "examples/service-ca-basics/expected", "--secrets-dir", dir, "--format", "json"]);
  assert.is(result.status, 1);
  assert.equal((JSON.parse(result.stdout) as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code), ["MS5035"]);
});

test("cli: --with supplies the application's Services, turning not-checked paths into checked ones", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-verify-"));
  const file = join(dir, "app", "service-status.yaml");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, svc("status", "billing", port("http", 80, 8080)));
  const before = await cli(["verify", "examples/route-external-certificate/expected", "--format", "json"]);
  const after = await cli(["verify", "examples/route-external-certificate/expected", "--with", join(dir, "app"), "--format", "json"]);
  assert.is(after.status, 0, after.stdout);
  const notChecked = (s: string): number => (JSON.parse(s) as { paths: Array<{ result: string }> }).paths.filter((p) => p.result === "not checked").length;
  assert.ok(notChecked(after.stdout) < notChecked(before.stdout));
  writeFileSync(file, svc("status", "billing", port("http", 8080, 9090)));
  assert.is((await cli(["verify", "examples/route-external-certificate/expected", "--with", join(dir, "app")])).status, 1, "targetPort 8080 is the Service port, the pods listen on 9090");
});


// call-authorization: the declared call web → cart (web's patch mounts cart.storefront.pem) against cart's
// ALLOW policy, which names cluster.local/ns/storefront/sa/web. The pods' service account is the caller's own
// manifest's: without it the call is not checked, with the right one it holds, with another it breaks.
test("call-authorization: a declared call checked against the callee's AuthorizationPolicy with the caller's real service account", () => {
  const app = (account?: string): Map<string, string> =>
    new Map([
      [
        "app/deployment-web.yaml",
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: storefront\nspec:\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n${account ? `      serviceAccountName: ${account}\n` : ""}      containers:\n        - name: web\n          image: web\n`,
      ],
    ]);
  const callPaths = (result: VerifyResult) => result.paths.filter((p) => p.rule === "call-authorization" && p.to === "Service storefront/cart");
  const alone = verifyTree(copy("mesh-sail"));
  assert.equal(callPaths(alone).map((p) => p.result), ["not checked"]);
  const right = verifyTree(copy("mesh-sail"), classifyFiles(app("web"), "with"));
  assert.equal(callPaths(right).map((p) => [p.result, p.client]), [["ok", "principal cluster.local/ns/storefront/sa/web"]]);
  const wrong = verifyTree(copy("mesh-sail"), classifyFiles(app(), "with"));
  assert.equal(callPaths(wrong).map((p) => p.result), ["broken"]);
  assert.equal(wrong.diagnostics.map((d) => d.code), ["MS5045"]);
  assert.match(wrong.diagnostics[0]?.message ?? "", /runs as cluster\.local\/ns\/storefront\/sa\/default/);
});


// Behaviours verify reported broken in the compiler's output before the compiler was fixed (MS5070 for a Route into
// a Maistra member namespace, MS5080 for a cert-utils Route during trust-both). With the fixes the compiled output
// verifies clean; a regression puts the code back.
const MAISTRA_ROUTE = `platform:
  serviceMesh: { flavor: maistra-v2, owned: true }
mtls:
  mode: STRICT
services:
  - name: web
    namespace: shop
    port: 8443
    selector: { app: web }
    exposure: reencrypt
    host: web.example.com
    mtls: PERMISSIVE
    workload: { kind: Deployment, name: web, container: web }
`;
const WEB_APP = new Map([
  [
    "app/deployment-web.yaml",
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: { app: web }\n      annotations: { sidecar.istio.io/inject: "true" }\n    spec:\n      containers:\n        - { name: web, image: web, ports: [{ name: https, containerPort: 8443 }] }\n',
  ],
]);
const KNOWN_BROKEN_BEHAVIOURS: Array<[string, string, Map<string, string>, string[]]> = [
  ["a reencrypt Route into a Maistra member namespace: the patch labels the routed pods maistra.io/expose-route", MAISTRA_ROUTE, WEB_APP, []],
];

for (const [name, policy, apps, want] of KNOWN_BROKEN_BEHAVIOURS) {
  test(`once broken, now verifies clean: ${name}`, async () => {
    const compiled = await compileText(HEADER + policy);
    assert.ok(compiled.tree, compiled.diagnostics.map((d) => d.message).join("\n"));
    const result = verifyTree(compiled.tree?.files ?? new Map(), classifyFiles(apps, "with"));
    assert.equal([...new Set(result.diagnostics.map((d) => d.code))].sort(), want, result.diagnostics.map((d) => `${d.file}: ${d.code} ${d.message}`).join("\n"));
  });
}

// A generated authority rotating (trust-both) behind a cert-utils reencrypt Route. The callers' trust ConfigMap
// carries both roots; the Route's destination CA is the pod Secret's ca.crt, one root.
test("once broken, now verifies clean: during trust-both a cert-utils reencrypt Route's router holds both roots", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-verify-rotation-"));
  const policyFile = join(dir, "mesh-security.yaml");
  writeFileSync(
    policyFile,
    `${HEADER}platform:\n  routeCertificates: cert-utils\nauthorities:\n  internal:\n    generate: { subject: "CN=test root CA,O=Example", intermediate: true }\nissuers:\n  internal: { ca: { authority: internal } }\nservices:\n  - { name: api, namespace: shop, port: 8443, exposure: reencrypt, host: api.example.com, selector: { app: api }, certificate: { issuer: internal }, routeCertificate: { issuer: internal }, callers: [web], workload: { kind: Deployment, name: api, container: api } }\n  - { name: web, namespace: shop, port: 8443, selector: { app: web }, certificate: { issuer: internal }, workload: { kind: Deployment, name: web, container: web } }\n`,
  );
  const state = join(dir, ".mesh-security");
  const compile = async (): Promise<Awaited<ReturnType<typeof compilePolicy>>> => {
    const r = await compilePolicy({ policyFile, missingMaterial: "generate" });
    if (r.rotationRecord !== undefined) await writeRotationRecord(state, r.rotationRecord);
    return r;
  };
  const verifyCompiled = (r: Awaited<ReturnType<typeof compilePolicy>>): string[] => [...new Set(verifyTree(r.tree?.files ?? new Map(), classifyFiles(r.tree?.secretFiles ?? new Map(), "secrets")).diagnostics.map((d) => d.code))].sort();
  assert.equal(verifyCompiled(await compile()), [], "before the rotation every path holds");
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await rotateAuthority({ policyFile, stateDir: state, name: "internal", allowUnsafeRotation: false, format: "text" });
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  assert.equal(verifyCompiled(await compile()), [], "MS5080 before the fix");
});

test.run();
