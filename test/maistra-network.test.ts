import { test } from "uvu";
import * as assert from "uvu/assert";
import { codesAt, compileText, HEADER, objects } from "./helpers/policy.js";

// With manageNetworkPolicy (the default) Maistra copies istio-mesh-<rev> (ingress only from
// member namespaces) and istio-expose-route-<rev> (the router, only to pods labelled
// maistra.io/expose-route) into every member namespace (maistra/istio-operator
// resources/helm/v2.6/mesh-config/templates/networkpolicy.yaml, memberroll/ovs_networkpolicy.go). A Route
// without the label, and callers outside the mesh, are dropped. Outside a Maistra-managed namespace a
// NetworkPolicy would isolate the pods, so none is emitted there.
type Obj = Record<string, unknown>;
const mesh = (flavor: string, membership = true): string => `${HEADER}platform:\n  serviceMesh: { flavor: ${flavor}, owned: true${membership ? "" : ", membership: false"} }\n`;
const OUTSIDE = "  - { name: reports, namespace: shop, port: 8443, selector: { app: reports }, calledFromOutsideMesh: true, mtls: PERMISSIVE }\n";
const NP = "shop/networkpolicy-reports-outside-mesh.yaml";

const cases: Array<[string, { given: string; want: Array<[string, number, number]>; policy: boolean }]> = [
  ["maistra-v2: callers outside the mesh get a NetworkPolicy on the pods' port", { given: `${mesh("maistra-v2")}services:\n${OUTSIDE}`, want: [], policy: true }],
  ["maistra-v1: the same NetworkPolicy", { given: `${mesh("maistra-v1")}services:\n${OUTSIDE}`, want: [["MS2257", 6, 26]], policy: true }],
  ["membership left to the installation: no NetworkPolicy (it might isolate the pods), MS2260", { given: `${mesh("maistra-v2", false)}services:\n${OUTSIDE}`, want: [["MS2260", 8, 102]], policy: false }],
  ["no selector: nothing to select, MS2260", { given: `${mesh("maistra-v2")}services:\n  - { name: reports, namespace: shop, port: 8443, calledFromOutsideMesh: true }\n`, want: [["MS2260", 8, 74]], policy: false }],
  ["sail: no operator NetworkPolicies, none emitted", { given: `${mesh("sail")}services:\n${OUTSIDE}`, want: [], policy: false }],
  ["maistra-v2: a Route to a service without workload is MS2259", { given: `${mesh("maistra-v2")}services:\n  - { name: web, namespace: shop, exposure: reencrypt, host: web.apps.example.com }\n`, want: [["MS2259", 8, 45]], policy: false }],
  ["maistra-v2: a Route to a service with a workload is labelled through the patch", { given: `${mesh("maistra-v2")}services:\n  - { name: web, namespace: shop, exposure: reencrypt, host: web.apps.example.com, workload: { name: web } }\n`, want: [], policy: false }],
  ["sail: a Route needs no label", { given: `${mesh("sail")}services:\n  - { name: web, namespace: shop, exposure: reencrypt, host: web.apps.example.com }\n`, want: [], policy: false }],
];

for (const [name, { given, want, policy }] of cases) {
  test(name, async () => {
    const result = await compileText(given);
    assert.equal(codesAt(result), want);
    assert.is(objects(result).has(NP), policy);
  });
}

test("the NetworkPolicy selects the service's pods and opens only its port, to every client", async () => {
  const result = await compileText(`${mesh("maistra-v2")}services:\n${OUTSIDE}`);
  const np = objects(result).get(NP);
  assert.equal(np?.["spec"], { podSelector: { matchLabels: { app: "reports" } }, policyTypes: ["Ingress"], ingress: [{ ports: [{ protocol: "TCP", port: 8443 }] }] });
  assert.ok((result.notes ?? []).some((n) => /NetworkPolicy reports-outside-mesh admits every client to port 8443/.test(n.text)));
});

test("the patch of a routed Maistra workload carries the label and the injection annotation", async () => {
  const result = await compileText(`${mesh("maistra-v2")}services:\n  - { name: web, namespace: shop, exposure: reencrypt, host: web.apps.example.com, workload: { name: web } }\n`);
  const patch = [...objects(result).entries()].find(([path]) => path.startsWith("patches/") && path.endsWith("deployment-web.yaml"))?.[1];
  assert.ok(patch, [...objects(result).keys()].join(", "));
  assert.equal(((patch["spec"] as Obj)["template"] as Obj)["metadata"], { labels: { "maistra.io/expose-route": "true" }, annotations: { "sidecar.istio.io/inject": "true" } });
});

test("explain: the membership note says which pods the patch asks a sidecar for, and which must do it themselves", async () => {
  const result = await compileText(`${mesh("maistra-v2")}services:\n  - { name: web, namespace: shop, workload: { name: web } }\n  - { name: api, namespace: shop }\n`);
  const note = (result.notes ?? []).find((n) => n.text.startsWith("members: shop"));
  assert.match(note?.text ?? "", /the workload patch adds it to the pod template of every services\[\]\.workload; the pods of shop\/api have no workload here and need it themselves/);
});

test.run();
