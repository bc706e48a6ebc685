import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

// A fresh process per locale: LANG and LC_ALL are read when the process starts.
// Under da_DK collation "aa" sorts after "z": the order of services (and so of everything derived
// from it) must not depend on the locale of the machine that compiles.
const POLICY = `apiVersion: mesh-security/v1alpha1
kind: MeshSecurityPolicy
metadata:
  name: locale
services:
  - { name: api, namespace: core, port: 8443, selector: { app: api } }
  - { name: client, namespace: b, port: 8443, selector: { app: client } }
  - { name: client, namespace: aa, port: 8443, selector: { app: client } }
`;

test("the model's order is the same under every locale (code units, not collation)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-locale-"));
  const policy = join(dir, "mesh-security.yaml");
  writeFileSync(policy, POLICY);
  const compile = pathToFileURL(join(process.cwd(), "dist", "compile.js")).href;
  const script = `const { compilePolicy } = await import(${JSON.stringify(compile)});
const r = await compilePolicy({ policyFile: ${JSON.stringify(policy)}, missingMaterial: "ignore" });
process.stdout.write(JSON.stringify({ locale: Intl.Collator().resolvedOptions().locale, services: r.model.services.map((s) => s.namespace + "/" + s.name), files: [...r.tree.files.keys()] }));`;
  const results = ["C", "da_DK.UTF-8", "sv_SE.UTF-8"].map((locale) => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, LANG: locale, LC_ALL: locale } });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { locale: string; services: string[]; files: string[] };
  });
  assert.ok(results.some((r) => r.locale.startsWith("da")), "the Danish locale was in effect");
  for (const r of results) {
    assert.equal(r.services, ["aa/client", "b/client", "core/api"], r.locale);
    assert.equal(r.files, results[0]?.files, r.locale);
  }
});

test.run();
