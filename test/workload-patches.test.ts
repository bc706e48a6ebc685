import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { testWithShared } from "./helpers/upstream.js";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseAllDocuments } from "yaml";
import { compilePolicy } from "../src/compile.js";
import type { CompileResult } from "../src/compile.js";
import { DIAGNOSTIC_EXAMPLES } from "./fixtures/diagnostic-examples.js";
import { compileText, HEADER } from "./helpers/policy.js";

// Parsed manifests are navigated freely; the assertions check the shapes.
type Obj = Record<string, any>;

const VALIDATOR = join("..", "shared", "tools", "validate-manifests.mjs");

/**
 * The Deployments as the application team keeps them: two containers per pod (the application and a
 * log shipper), the application with a volume and mount of its own, so the merge must add to both lists.
 */
function appDeployment(name: string, app: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: demo
  annotations:
    team.example.com/owner: shop
spec:
  selector:
    matchLabels: { app: ${app} }
  template:
    metadata:
      labels: { app: ${app} }
    spec:
      containers:
        - name: log-shipper
          image: registry.example.com/log-shipper:1
          volumeMounts:
            - { name: logs, mountPath: /var/log/app }
        - name: ${app}
          image: quay.io/example/${app}:v1
          ports:
            - { containerPort: 8443, name: https }
          volumeMounts:
            - { name: logs, mountPath: /var/log/app }
            - { name: config, mountPath: /deployments/config, readOnly: true }
      volumes:
        - { name: logs, emptyDir: {} }
        - name: config
          configMap: { name: ${app}-config }
`;
}

/** Write the compiled output, the application base and an overlay joining them; return `kubectl kustomize overlay` parsed. */
function buildOverlay(result: CompileResult, base = [appDeployment("customer", "customer"), appDeployment("preference-v1", "preference"), appDeployment("recommendation-v1", "recommendation")].join("---\n")): { root: string; objects: Obj[]; text: string } {
  const root = mkdtempSync(join(tmpdir(), "ms-kustomize-"));
  for (const [path, content] of result.tree?.files ?? []) {
    const file = join(root, "out", path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  mkdirSync(join(root, "app"));
  writeFileSync(join(root, "app", "deployments.yaml"), base);
  writeFileSync(join(root, "app", "kustomization.yaml"), "resources:\n  - deployments.yaml\n");
  mkdirSync(join(root, "overlay"));
  writeFileSync(join(root, "overlay", "kustomization.yaml"), "resources:\n  - ../app\n  - ../out\ncomponents:\n  - ../out/patches\n");
  const text = execFileSync("kubectl", ["kustomize", join(root, "overlay")], { encoding: "utf8" });
  return { root, text, objects: parseAllDocuments(text).map((d) => d.toJS() as Obj) };
}

const deployment = (objects: Obj[], name: string): Obj => {
  const found = objects.find((o) => o["kind"] === "Deployment" && o["metadata"]?.["name"] === name);
  assert.ok(found, `Deployment ${name} in the merged output`);
  return found as Obj;
};
const container = (d: Obj, name: string): Obj => (d["spec"]["template"]["spec"]["containers"] as Obj[]).find((c) => c["name"] === name) as Obj;
const mounts = (c: Obj): string[] => (c["volumeMounts"] as Obj[]).map((m) => `${m["name"]}@${m["mountPath"]}${m["readOnly"] ? " ro" : ""}`).sort();
const volume = (d: Obj, name: string): Obj | undefined => (d["spec"]["template"]["spec"]["volumes"] as Obj[]).find((v) => v["name"] === name);

let built: Promise<{ result: CompileResult; overlay: ReturnType<typeof buildOverlay> }> | undefined;
/** Compile the example and build the overlay once for the whole file (kubectl is the slow part). */
function endToEnd(): Promise<{ result: CompileResult; overlay: ReturnType<typeof buildOverlay> }> {
  built ??= compilePolicy({ policyFile: "examples/end-to-end-encryption/mesh-security.yaml" }).then((result) => ({ result, overlay: buildOverlay(result) }));
  return built;
}

test("end-to-end example: kubectl kustomize merges the patches into the application's Deployments", async () => {
  const { result, overlay } = await endToEnd();
  assert.equal(result.diagnostics, []);
  const { objects } = overlay;

  const want: Array<{ name: string; app: string; secret: string; trust: string[] }> = [
    { name: "customer", app: "customer", secret: "service-customer", trust: ["preference.demo.pem"] },
    { name: "preference-v1", app: "preference", secret: "route-service-preference", trust: ["recommendation.demo.pem"] },
    { name: "recommendation-v1", app: "recommendation", secret: "service-recommendation", trust: [] },
  ];
  for (const w of want) {
    const d = deployment(objects, w.name);
    // The application container keeps its own mounts and gains the certificate (and the trust when it calls).
    const expected = [`cert-${w.app}@/keystores ro`, "config@/deployments/config ro", "logs@/var/log/app", ...(w.trust.length ? ["mesh-security-trust@/etc/mesh-security/trust ro"] : [])].sort();
    assert.equal(mounts(container(d, w.app)), expected, `${w.name} application container`);
    // The other container of the pod gets neither the key nor the trust.
    assert.equal(mounts(container(d, "log-shipper")), ["logs@/var/log/app"], `${w.name} log-shipper`);
    assert.equal(container(d, "log-shipper")["image"], "registry.example.com/log-shipper:1");
    assert.equal(container(d, w.app)["image"], `quay.io/example/${w.app}:v1`);
    // Volumes: the application's stay, the Secret volume is added.
    assert.equal(volume(d, `cert-${w.app}`), { name: `cert-${w.app}`, secret: { secretName: w.secret } });
    assert.equal(volume(d, "logs"), { name: "logs", emptyDir: {} });
    assert.ok(volume(d, "config"));
    const trust = volume(d, "mesh-security-trust");
    if (w.trust.length) {
      assert.equal(trust, { name: "mesh-security-trust", projected: { sources: [{ configMap: { name: "trust-internal", items: w.trust.map((path) => ({ key: "ca.crt", path })) } }] } });
    } else {
      assert.is(trust, undefined);
    }
    // Reloader: the serving Secret, and the trust ConfigMap for callers; the team's own annotation stays.
    const annotations = d["metadata"]["annotations"] as Obj;
    assert.equal(annotations["secret.reloader.stakater.com/reload"], w.secret);
    assert.equal(annotations["configmap.reloader.stakater.com/reload"], w.trust.length ? "trust-internal" : undefined);
    assert.equal(annotations["team.example.com/owner"], "shop");
  }
  // The generated resources are part of the same build.
  assert.ok(objects.some((o) => o["kind"] === "Bundle" && o["metadata"]["name"] === "trust-internal"));
  assert.equal(objects.filter((o) => o["kind"] === "Deployment").length, 3);
});

/** A StatefulSet and a DaemonSet as another team keeps them (the same pod template as the Deployments). */
function otherKinds(): string {
  return ["StatefulSet", "DaemonSet"]
    .map((kind) => {
      const name = kind.toLowerCase();
      const text = appDeployment(name, name).replace("kind: Deployment", `kind: ${kind}`);
      return kind === "StatefulSet" ? text.replace("spec:\n  selector:", `spec:\n  serviceName: ${name}\n  selector:`) : text;
    })
    .join("---\n");
}

// In a mesh (Maistra 2.x: AuthorizationPolicy v1beta1), a StatefulSet calls a DaemonSet.
const MESH_POLICY = `${HEADER}platform:\n  serviceMesh: { flavor: maistra-v2, owned: true }\n  reloader: true\nservices:
  - { name: statefulset, namespace: demo, selector: { app: statefulset }, certificate: { mountPath: /tls }, workload: { kind: StatefulSet, name: statefulset, container: statefulset, serviceAccount: db } }
  - { name: daemonset, namespace: demo, selector: { app: daemonset }, exposure: reencrypt, host: agent.apps.example.com, mtls: PERMISSIVE, certificate: { mountPath: /tls }, workload: { kind: DaemonSet, name: daemonset, container: daemonset, serviceAccount: agent }, callers: [statefulset] }
`;

test("StatefulSets and DaemonSets merge the same way; the Maistra 2 AuthorizationPolicy comes with them", async () => {
  const result = await compileText(MESH_POLICY);
  assert.equal(result.diagnostics, []);
  const { objects } = buildOverlay(result, otherKinds());
  const sts = objects.find((o) => o["kind"] === "StatefulSet") as Obj;
  const ds = objects.find((o) => o["kind"] === "DaemonSet") as Obj;
  assert.equal(mounts(container(sts, "statefulset")), ["cert-statefulset@/tls ro", "config@/deployments/config ro", "logs@/var/log/app", "mesh-security-trust@/etc/mesh-security/trust ro"]);
  assert.equal(mounts(container(ds, "daemonset")), ["cert-daemonset@/tls ro", "config@/deployments/config ro", "logs@/var/log/app"]);
  for (const d of [sts, ds]) assert.equal(mounts(container(d, "log-shipper")), ["logs@/var/log/app"]);
  assert.equal(sts["spec"]["serviceName"], "statefulset", "the StatefulSet's own spec stays");
  const policy = objects.find((o) => o["kind"] === "AuthorizationPolicy") as Obj;
  assert.equal(policy["apiVersion"], "security.istio.io/v1beta1");
  assert.equal(policy["spec"]["rules"][0], { from: [{ source: { principals: ["cluster.local/ns/demo/sa/db"] } }], to: [{ operation: { ports: ["8443"] } }] });
});

// On Maistra the operator's istio-expose-route NetworkPolicy admits the router only to pods
// labelled maistra.io/expose-route: "true", and the default profiles inject a sidecar only into pods
// annotated sidecar.istio.io/inject: "true". The patch adds both to the pod template, beside the app's own.
test("Maistra: the merged pod templates ask for a sidecar, and the routed one carries the router's label", async () => {
  const result = await compileText(MESH_POLICY);
  assert.equal(result.diagnostics, []);
  const { objects } = buildOverlay(result, otherKinds());
  const meta = (kind: string): Obj => (objects.find((o) => o["kind"] === kind) as Obj)["spec"]["template"]["metadata"];
  assert.equal(meta("DaemonSet")["labels"], { app: "daemonset", "maistra.io/expose-route": "true" }, "the routed pods get the label; the selector's label stays");
  assert.equal(meta("StatefulSet")["labels"], { app: "statefulset" }, "no Route, no label");
  for (const kind of ["DaemonSet", "StatefulSet"]) assert.equal(meta(kind)["annotations"], { "sidecar.istio.io/inject": "true" }, kind);
  // Sail injects by the namespace label (mesh-membership.ts): its pod templates are left alone.
  const sail = await compileText(MESH_POLICY.replace("flavor: maistra-v2", "flavor: sail"));
  const sailObjects = buildOverlay(sail, `${otherKinds()}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n`).objects;
  for (const kind of ["DaemonSet", "StatefulSet"]) {
    const m = (sailObjects.find((o) => o["kind"] === kind) as Obj)["spec"]["template"]["metadata"];
    assert.equal(m, { labels: { app: kind.toLowerCase() } }, kind);
  }
});

testWithShared(test, "tools", "the merged workloads and every new kind pass the upstream schemas", async () => {
  const { root, text } = (await endToEnd()).overlay;
  const merged = join(root, "merged");
  mkdirSync(merged);
  writeFileSync(join(merged, "end-to-end.yaml"), text);
  writeFileSync(join(merged, "mesh.yaml"), buildOverlay(await compileText(MESH_POLICY), otherKinds()).text);
  // Maistra 1.x's AuthorizationPolicy (no action, no notPrincipals) must pass the same schema.
  const maistra1 = await compileText(DIAGNOSTIC_EXAMPLES["MS2611"] ?? "");
  writeFileSync(join(merged, "maistra1.yaml"), maistra1.tree?.files.get("shop/authorizationpolicy-api.yaml") ?? "");
  const kinds = ["end-to-end.yaml", "mesh.yaml", "maistra1.yaml"].flatMap((f) => parseAllDocuments(readFileSync(join(merged, f), "utf8")).map((d) => (d.toJS() as Obj | null)?.["kind"] as string));
  for (const kind of ["Deployment", "StatefulSet", "DaemonSet", "AuthorizationPolicy", "Bundle", "ConfigMap"]) assert.ok(kinds.includes(kind), `${kind} is among the checked documents`);
  // Exit status 1 (an invalid document) makes execFileSync throw, with the validator's report.
  const out = execFileSync("node", [VALIDATOR, merged], { encoding: "utf8" });
  assert.ok(out.includes(`${kinds.length} documents, ${kinds.length} valid, 0 invalid`), out);
  // Deployments, a StatefulSet, a DaemonSet, AuthorizationPolicies, the Bundle, ConfigMaps, Certificates,
  // Routes, Services and issuers: all checked, none skipped.
  assert.match(out, /(\d+) documents, \1 valid, 0 invalid, 0 unknown-kind/);
});

test.run();
