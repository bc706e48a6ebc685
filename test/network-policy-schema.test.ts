// NetworkPolicy is the one kind we emit that ../shared/crds has no schema for (it holds CRDs and a few core
// kinds, not networking.k8s.io/v1), so .ci/run skips it there and this test checks it instead: every emitted
// NetworkPolicy against the upstream OpenAPI (kubernetes-models' validators are generated from the
// Kubernetes OpenAPI spec: types, enums, required), plus strict field validation, which those validators
// do not do, against the field set of k8s.io/api networking/v1 types.go (NetworkPolicySpec,
// NetworkPolicyIngressRule/EgressRule, NetworkPolicyPeer, NetworkPolicyPort, IPBlock, LabelSelector).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { compileText } from "./helpers/policy.js";

type Obj = Record<string, unknown>;

const SELECTOR = { matchLabels: "map", matchExpressions: [{ key: "", operator: "", values: "" }] };
const PEER = { podSelector: SELECTOR, namespaceSelector: SELECTOR, ipBlock: { cidr: "", except: "" } };
const PORT = { protocol: "", port: "", endPort: "" };
/** The fields of networking.k8s.io/v1 NetworkPolicy (k8s.io/api networking/v1/types.go); "map" and "" are leaves. */
const FIELDS = {
  apiVersion: "",
  kind: "",
  metadata: { name: "", namespace: "", labels: "map", annotations: "map" },
  spec: { podSelector: SELECTOR, policyTypes: "", ingress: [{ from: [PEER], ports: [PORT] }], egress: [{ to: [PEER], ports: [PORT] }] },
};

/** Paths of fields the upstream type does not have (what strict field validation on the API server rejects). */
function unknownFields(value: unknown, shape: unknown, path: string): string[] {
  if (shape === "" || shape === "map" || value === null || typeof value !== "object") return [];
  if (Array.isArray(shape)) return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(item, shape[0], `${path}[${i}]`)) : [];
  const known = shape as Record<string, unknown>;
  return Object.entries(value as Obj).flatMap(([key, child]) => (key in known ? unknownFields(child, known[key], `${path}.${key}`) : [`${path}.${key}`]));
}

function problems(object: Obj): string[] {
  const found = unknownFields(object, FIELDS, "").map((p) => `unknown field ${p}`);
  try {
    new NetworkPolicy(object as never).validate();
  } catch (error) {
    found.push((error as Error).message);
  }
  return found;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

test("the check itself rejects an unknown field and a wrong protocol", () => {
  const good: Obj = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "a", namespace: "b" }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 8443, protocol: "TCP" }] }] } };
  assert.equal(problems(good), []);
  assert.equal(problems({ ...good, spec: { podSelector: {}, ingres: [] } }), ["unknown field .spec.ingres"]);
  assert.ok(problems({ ...good, spec: { podSelector: {}, ingress: [{ ports: [{ port: 8443, protocol: "TPC" }] }] } }).length > 0);
});

test("every NetworkPolicy in the examples' committed output passes the upstream type, strictly", () => {
  let seen = 0;
  for (const file of yamlFiles("examples")) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      const object = doc.toJS() as Obj | null;
      if (object?.["kind"] !== "NetworkPolicy") continue;
      seen++;
      assert.equal(problems(object), [], file);
    }
  }
  assert.ok(seen > 0, "at least one example emits a NetworkPolicy (mesh-maistra-v2)");
});

test("a NetworkPolicy compiled for a Maistra member namespace passes it too", async () => {
  const result = await compileText(`apiVersion: mesh-security/v1alpha1
kind: MeshSecurityPolicy
metadata: { name: np }
platform: { serviceMesh: { flavor: maistra-v2 } }
mtls: { mode: STRICT }
services:
  - { name: api, namespace: shop, port: 8443, selector: { app: api }, calledFromOutsideMesh: true, mtls: PERMISSIVE }
`);
  const policies = (result.rendered ?? []).map((r) => r.object as Obj).filter((o) => o["kind"] === "NetworkPolicy");
  assert.ok(policies.length > 0, JSON.stringify(result.diagnostics.map((d) => d.code)));
  for (const policy of policies) assert.equal(problems(policy), []);
});

test.run();
