import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { exampleCases, readTree } from "./helpers/examples.js";
import { testWithShared, validateUpstream } from "./helpers/upstream.js";

// Role and RoleBinding (the router's access to an externalCertificate Secret) are checked like every
// other kind: against the upstream schemas in ../shared/crds/rbac.authorization.k8s.io, strict.
function rbacFiles(): string[] {
  const files: string[] = [];
  for (const name of exampleCases()) {
    for (const [path, text] of readTree(`examples/${name}/expected`)) {
      if (!path.endsWith(".yaml")) continue;
      const object = parse(text) as { apiVersion?: string } | null;
      if (object?.apiVersion === "rbac.authorization.k8s.io/v1") files.push(join("examples", name, "expected", path));
    }
  }
  return files;
}

testWithShared(test, "tools", "every generated Role and RoleBinding passes the upstream schema (strict)", () => {
  const files = rbacFiles();
  assert.ok(files.length > 0, "no RBAC objects in the examples to check");
  const report = validateUpstream(files);
  assert.is(report.status, 0, report.output);
  assert.is(report.documents, files.length);
  assert.is(report.valid, files.length, report.output);
  assert.is(report.unknownKind, 0, report.output);
});

testWithShared(test, "tools", "the upstream RBAC schemas are strict: an unknown field in a Role is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-rbac-"));
  const file = join(dir, "role.yaml");
  writeFileSync(file, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: r, namespace: n }\nrules:\n  - apiGroups: ['']\n    resources: [secrets]\n    verb: [get]\n");
  const report = validateUpstream([file]);
  assert.is(report.invalid, 1, report.output);
  assert.match(report.output, /verb/);
});

test("the router may read exactly its certificate Secret", () => {
  const tree = readTree("examples/route-external-certificate/expected");
  const roles = [...tree].filter(([p]) => /\/role-/.test(p)).map(([, t]) => parse(t) as { rules: Array<Record<string, string[]>> });
  assert.ok(roles.length > 0);
  for (const role of roles) {
    assert.equal(role.rules.length, 1);
    assert.equal(role.rules[0]?.["verbs"]?.slice().sort(), ["get", "list", "watch"]);
    assert.equal(role.rules[0]?.["resources"], ["secrets"]);
    assert.is(role.rules[0]?.["resourceNames"]?.length, 1);
  }
  const bindings = [...tree].filter(([p]) => /\/rolebinding-/.test(p)).map(([, t]) => parse(t) as { subjects: Array<Record<string, string>> });
  assert.ok(bindings.length > 0);
  for (const binding of bindings) assert.equal(binding.subjects, [{ kind: "ServiceAccount", name: "router", namespace: "openshift-ingress" }]);
});

test.run();
