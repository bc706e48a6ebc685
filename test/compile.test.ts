import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compilePolicy } from "../src/compile.js";
import { BUILTIN_TEMPLATES } from "../src/render/render.js";
import { STARTER_POLICY } from "../src/init/starter-policy.js";
import { sortDiagnostics } from "../src/diagnostics/format.js";
import { codesAt, compileText, HEADER, objects, writePolicy } from "./helpers/policy.js";

type Case = [name: string, { given: string; want: Array<[string, number, number]> }];

// Each bad input: the code, line and column of every diagnostic (HEADER is lines 1-4).
const bad: Case[] = [
  ["wrong apiVersion", { given: "apiVersion: v1\nkind: MeshSecurityPolicy\nmetadata:\n  name: a\nmtls: {}\n", want: [["MS1013", 1, 13]] }],
  ["missing metadata.name", { given: "apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata: {}\nmtls: {}\n", want: [["MS1003", 3, 1]] }],
  ["nothing to compile", { given: HEADER, want: [["MS1008", 1, 1]] }],
  ["unknown key with suggestion", { given: `${HEADER}services:\n  - name: a\n    namespce: b\n`, want: [["MS1003", 6, 5], ["MS1002", 7, 5]] }],
  // Recovered as STRICT (the confident "did you mean"), so the mesh rules still run on it.
  ["bad enum", { given: `${HEADER}mtls:\n  mode: STRICTT\n`, want: [["MS1005", 6, 9], ["MS2250", 6, 9]] }],
  ["service name not DNS-1035", { given: `${HEADER}services:\n  - name: 1abc\n    namespace: b\n`, want: [["MS1006", 6, 11]] }],
  ["wrong type", { given: `${HEADER}services:\n  name: a\n`, want: [["MS1004", 5, 1]] }],
  ["issuer with two kinds", { given: `${HEADER}issuers:\n  x:\n    selfSigned: {}\n    ca: { authority: y }\nmtls: {}\n`, want: [["MS1008", 6, 3]] }],
  ["issuer named service-ca", { given: `${HEADER}issuers:\n  service-ca:\n    selfSigned: {}\nmtls: {}\n`, want: [["MS1005", 6, 3]] }],
  ["bad duration", { given: `${HEADER}issuers:\n  i: { selfSigned: {} }\nservices:\n  - name: a\n    namespace: b\n    certificate: { issuer: i, duration: 90d }\n`, want: [["MS1006", 10, 41]] }],
  ["undeclared authority", { given: `${HEADER}issuers:\n  i:\n    ca: { authority: intrnal }\nauthorities:\n  internal:\n    existingSecret: { name: ca, namespace: cert-manager }\nmtls: {}\n`, want: [["MS2004", 7, 22]] }],
  ["host required", { given: `${HEADER}services:\n  - name: a\n    namespace: b\n    exposure: external\n`, want: [["MS2005", 8, 15]] }],
  ["host on internal", { given: `${HEADER}services:\n  - name: a\n    namespace: b\n    host: a.example.com\n`, want: [["MS2009", 8, 11]] }],
  ["keystores on service-ca", { given: `${HEADER}services:\n  - name: a\n    namespace: b\n    certificate:\n      keystores: [pkcs12]\n`, want: [["MS2014", 9, 7]] }],
  ["duplicate secret", { given: `${HEADER}services:\n  - name: a\n    namespace: b\n    certificate: { secretName: s }\n  - name: c\n    namespace: b\n    certificate: { secretName: s }\n`, want: [["MS2002", 11, 32]] }],
  ["PEM key inline", { given: `${HEADER}mtls:\n  mode: STRICT\n  namespaces:\n    x: "-----BEGIN PRIVATE KEY-----"\n`, want: [["MS2250", 6, 9], ["MS1005", 8, 8], ["MS2008", 8, 8]] }],
  ["ConfigMap bundle without namespace", { given: `${HEADER}caBundles:\n  - { kind: ConfigMap, name: x }\n`, want: [["MS2013", 6, 5]] }],
  ["namespace on an APIService bundle", { given: `${HEADER}caBundles:\n  - { kind: APIService, name: v1.x.io, namespace: y }\n`, want: [["MS2013", 6, 40]] }],
  ["existing ConfigMap warns", { given: `${HEADER}caBundles:\n  - { kind: ConfigMap, name: x, namespace: y, existing: true }\n`, want: [["MS2011", 6, 57]] }],
];

for (const [name, { given, want }] of bad) {
  test(`diagnostics: ${name}`, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want, JSON.stringify(result.diagnostics.map((d) => d.message)));
  });
}

test("a router certificate that is never emitted does not collide with the serving Secret", async () => {
  const policy = `${HEADER}issuers:\n  i: { selfSigned: {} }\nservices:\n  - name: c\n    namespace: b\n    exposure: passthrough\n    host: c.example.com\n    certificate: { issuer: i }\n    routeCertificate: { issuer: i, secretName: c-tls }\n`;
  const result = await compileText(policy);
  assert.equal(result.diagnostics.map((d) => d.code), ["MS2015"]);
});

test("diagnostics are sorted by position", async () => {
  const result = await compileText(`${HEADER}services:\n  - name: A\n    namespace: b\n    exposure: externl\n  - name: c\n    namespace: B\n`);
  assert.equal(result.diagnostics, sortDiagnostics(result.diagnostics));
  // externl is read as external, which needs a host: a mistake of its own on the same line.
  assert.equal(result.diagnostics.map((d) => d.range?.start.line), [6, 8, 8, 10]);
});

test("misspelled key and enum get 'did you mean'", async () => {
  const result = await compileText(`${HEADER}mtls:\n  mode: PERMISIVE\noutptu: {}\n`);
  assert.equal(result.diagnostics.map((d) => d.hint), ["did you mean `PERMISSIVE`?", "did you mean `output`?"]);
});

test("a three-line policy with one internal service compiles", async () => {
  const result = await compileText(`${HEADER}services:\n  - { name: api, namespace: shop }\n`);
  assert.equal(result.diagnostics, []);
  const patch = objects(result).get("patches/shop/service-api.yaml");
  assert.equal((patch?.["metadata"] as Record<string, unknown>)["annotations"], { "service.beta.openshift.io/serving-cert-secret-name": "api-tls" });
});

test("an owned Service is whole, labelled, in wave 0, with the serving-cert annotation", async () => {
  const result = await compileText(`${HEADER}services:\n  - { name: api, namespace: shop, port: 443, targetPort: https, selector: { app: api } }\n`);
  const service = objects(result).get("shop/service-api.yaml") ?? {};
  assert.equal(service["metadata"], {
    name: "api",
    namespace: "shop",
    labels: { "app.kubernetes.io/managed-by": "mesh-security", "mesh-security/policy": "test" },
    annotations: { "argocd.argoproj.io/sync-wave": "0", "service.beta.openshift.io/serving-cert-secret-name": "api-tls" },
  });
  assert.equal(service["spec"], { ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: "https" }], selector: { app: "api" } });
});

test("syncWaves: false drops the annotation; by-target layout moves files", async () => {
  const result = await compileText(`${HEADER}services:\n  - { name: api, namespace: shop, selector: { app: api } }\noutput: { syncWaves: false, layout: by-target }\n`);
  const service = objects(result).get("service-ca/shop/service-api.yaml");
  assert.ok(service);
  assert.not.ok(((service?.["metadata"] as Record<string, Record<string, string>>)["annotations"] ?? {})["argocd.argoproj.io/sync-wave"]);
});

test("determinism: two compiles give identical bytes", async () => {
  const file = writePolicy(readFileSync("examples/service-ca-basics/mesh-security.yaml", "utf8"));
  const a = await compilePolicy({ policyFile: file, outDir: join(file, "..", "out") });
  const b = await compilePolicy({ policyFile: file, outDir: join(file, "..", "out") });
  assert.equal([...(a.tree?.files ?? [])], [...(b.tree?.files ?? [])]);
  assert.ok((a.tree?.files.size ?? 0) > 5);
});

test("injection: hostile strings in every string field never become structure", async () => {
  // Values that pass the schema are DNS names; everything else must be refused before rendering.
  const hostile = ["a\nkind: Secret", "x: y", "../../etc", "/abs", "a---b\n---", "'q'", "{ a: 1 }", "\u0000", "a b"];
  for (const value of hostile) {
    const fields = [
      `services:\n  - { name: ${JSON.stringify(value)}, namespace: b }\n`,
      `services:\n  - { name: a, namespace: ${JSON.stringify(value)} }\n`,
      `services:\n  - { name: a, namespace: b, selector: { app: ${JSON.stringify(value)} } }\n`,
      `services:\n  - { name: a, namespace: b, certificate: { secretName: ${JSON.stringify(value)} } }\n`,
      `caBundles:\n  - { kind: ConfigMap, name: ${JSON.stringify(value)}, namespace: b }\n`,
      `mtls:\n  namespaces:\n    ${JSON.stringify(value)}: STRICT\n`,
    ];
    for (const section of fields) {
      const result = await compileText(`${HEADER}${section}`);
      assert.ok(result.diagnostics.some((d) => d.severity === "error"), `accepted ${JSON.stringify(value)} in ${section}`);
      assert.not.ok(result.tree, "no output for a refused policy");
    }
  }
});

test("--templates: a user copy of the templates is used, and an unsafe one refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-templates-"));
  cpSync(BUILTIN_TEMPLATES, dir, { recursive: true });
  const servicePath = join(dir, "service-ca", "service.yaml.hbs");
  writeFileSync(servicePath, readFileSync(servicePath, "utf8").replace("spec:\n", "spec:\n  sessionAffinity: ClientIP\n"));
  const policy = `${HEADER}services:\n  - { name: api, namespace: shop, selector: { app: api } }\n`;
  const ok = await compileText(policy, { templatesDir: dir });
  assert.is((objects(ok).get("shop/service-api.yaml")?.["spec"] as Record<string, unknown>)["sessionAffinity"], "ClientIP");
  writeFileSync(servicePath, readFileSync(servicePath, "utf8").replace("name: {{y name}}", "name: {{name}}"));
  const refused = await compileText(policy, { templatesDir: dir });
  assert.equal(refused.diagnostics.map((d) => d.code), ["MS4004"]);
  assert.not.ok(refused.tree);
});

test("init writes a starter policy that compiles as written", async () => {
  const result = await compileText(STARTER_POLICY);
  assert.equal(result.diagnostics.filter((d) => d.severity === "error"), []);
  assert.ok((result.tree?.files.size ?? 0) >= 3);
});

test.run();
