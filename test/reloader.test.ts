import { parse } from "yaml";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compilePolicy } from "../src/compile.js";
import { codesAt, compileText, HEADER, objects } from "./helpers/policy.js";

type Obj = Record<string, unknown>;

// The seed's last step: `oc annotate deployment <name> secret.reloader.stakater.com/reload=<serving secret>`.
test("seed scenario: each deployment is patched with the Secret its pod mounts", async () => {
  const result = await compilePolicy({ policyFile: "examples/end-to-end-encryption/mesh-security.yaml" });
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const want: Array<[string, string, string]> = [
    ["patches/demo/deployment-customer.yaml", "customer", "service-customer"],
    ["patches/demo/deployment-preference-v1.yaml", "preference-v1", "route-service-preference"],
    ["patches/demo/deployment-recommendation-v1.yaml", "recommendation-v1", "service-recommendation"],
  ];
  for (const [path, name, secret] of want) {
    // A patch carries the identity and what it adds: no labels, no sync wave (the mounts are checked
    // on the merged Deployments in workload-patches.test.ts).
    const patch = out.get(path) ?? {};
    assert.equal([patch["apiVersion"], patch["kind"]], ["apps/v1", "Deployment"], path);
    const metadata = patch["metadata"] as Obj;
    assert.equal(Object.keys(metadata).sort(), ["annotations", "name", "namespace"], path);
    assert.equal([metadata["name"], metadata["namespace"], (metadata["annotations"] as Obj)["secret.reloader.stakater.com/reload"]], [name, "demo", secret], path);
  }
  const component = parse(result.tree?.files.get("patches/demo/kustomization.yaml") ?? "") as { kind: string; patches: Obj[] };
  assert.equal(component.kind, "Component");
  assert.equal(component.patches, want.map(([path]) => ({ path: path.replace("patches/demo/", "") })));
  // The router certificate (route-customer) does not restart pods: only the router reads it.
  assert.not.match(result.tree?.files.get("patches/demo/deployment-customer.yaml") ?? "", /route-customer/);
});

test("a workload named by two services gets one patch listing both Secrets; StatefulSets and DaemonSets too", async () => {
  const result = await compileText(
    `${HEADER}platform: { reloader: true }\nservices:\n  - { name: a, namespace: n, reloadOnRotation: [deployment/app, statefulset/db] }\n  - { name: b, namespace: n, certificate: { secretName: b-cert }, reloadOnRotation: [deployment/app, daemonset/agent] }\n`,
  );
  assert.equal(result.diagnostics, []);
  const out = objects(result);
  const reload = (path: string): unknown => ((out.get(path)?.["metadata"] as Obj | undefined)?.["annotations"] as Obj | undefined)?.["secret.reloader.stakater.com/reload"];
  assert.equal(reload("patches/n/deployment-app.yaml"), "a-tls,b-cert");
  assert.equal(reload("patches/n/statefulset-db.yaml"), "a-tls");
  assert.equal(reload("patches/n/daemonset-agent.yaml"), "b-cert");
  assert.equal(out.get("patches/n/statefulset-db.yaml")?.["apiVersion"], "apps/v1");
});

test("MS2111: reloadOnRotation without platform.reloader warns and patches nothing", async () => {
  const result = await compileText(`${HEADER}services:\n  - name: a\n    namespace: n\n    reloadOnRotation: [deployment/app]\n`);
  assert.equal(codesAt(result), [["MS2111", 8, 5]]);
  assert.not.ok([...(result.tree?.files.keys() ?? [])].some((p) => p.includes("deployment-app")));
});

test.run();
