import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { exampleCases, readTree } from "./helpers/examples.js";

// ../shared/crds has no rbac.authorization.k8s.io schemas, so .ci/run skips Role and RoleBinding in
// the upstream validator and this test checks them against the Kubernetes models instead, plus a
// closed set of fields (the models' schemas allow unknown fields; the API server's strict mode does not).
const ALLOWED = {
  Role: { top: ["apiVersion", "kind", "metadata", "rules"], rule: ["apiGroups", "resources", "resourceNames", "verbs", "nonResourceURLs"] },
  RoleBinding: { top: ["apiVersion", "kind", "metadata", "roleRef", "subjects"], rule: [] },
};

test("every generated Role and RoleBinding is valid", () => {
  let seen = 0;
  for (const name of exampleCases()) {
    for (const [path, text] of readTree(`examples/${name}/expected`)) {
      if (!path.endsWith(".yaml")) continue;
      const object = parse(text) as { kind?: string; apiVersion?: string; rules?: Array<Record<string, unknown>> } | null;
      if (object?.apiVersion !== "rbac.authorization.k8s.io/v1") continue;
      seen++;
      const where = `${name}/${path}`;
      if (object.kind === "Role") {
        new Role(object as unknown as ConstructorParameters<typeof Role>[0]).validate();
        for (const rule of object.rules ?? []) for (const key of Object.keys(rule)) assert.ok(ALLOWED.Role.rule.includes(key), `${where}: unknown rule field ${key}`);
      } else if (object.kind === "RoleBinding") {
        new RoleBinding(object as unknown as ConstructorParameters<typeof RoleBinding>[0]).validate();
      } else {
        assert.unreachable(`${where}: unexpected RBAC kind ${object.kind}`);
      }
      const allowed = ALLOWED[object.kind as "Role" | "RoleBinding"].top;
      for (const key of Object.keys(object)) assert.ok(allowed.includes(key), `${where}: unknown field ${key}`);
    }
  }
  assert.ok(seen > 0, "no RBAC objects in the examples to check");
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
  for (const binding of bindings) assert.equal(binding.subjects, [{ kind: "ServiceAccount", name: "router", namespace: "openshift-ingress" }]);
});

test.run();
