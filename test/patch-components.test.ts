import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseAllDocuments } from "yaml";
import { compilePolicy } from "../src/compile.js";
import { classifyFiles } from "../src/verify/manifests.js";
import { MARKER, PRIVATE_MARKER, writeOutputDir } from "../src/write/write-dir.js";
import { compileText, HEADER, MESH_CA_POLICY } from "./helpers/policy.js";
import { runMain } from "./helpers/cli.js";

// Parsed manifests are navigated freely; the assertions check the shapes.
type Obj = Record<string, any>;

// Two teams, two namespaces: each keeps its own Deployment in its own overlay.
const TWO_TEAMS = `${HEADER}platform: { reloader: true }
services:
  - { name: web, namespace: shop, selector: { app: web }, certificate: { mountPath: /tls }, workload: { kind: Deployment, name: web, container: web } }
  - { name: batch, namespace: jobs, selector: { app: batch }, certificate: { mountPath: /tls }, workload: { kind: Deployment, name: batch, container: batch } }
`;

const deployment = (name: string, namespace: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - { name: ${name}, image: quay.io/example/${name}:v1 }
`;

function writeTree(root: string, files: ReadonlyMap<string, string>): void {
  for (const [path, content] of files) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** The compiled output under out/, one base per team, and an overlay with the given resources and components. */
async function workspace(): Promise<{ root: string; build: (resources: string[], components: string[]) => { status: number | null; objects: Obj[]; text: string; stderr: string } }> {
  const result = await compileText(TWO_TEAMS);
  assert.equal(result.diagnostics, []);
  const root = mkdtempSync(join(tmpdir(), "ms-components-"));
  writeTree(join(root, "out"), result.tree?.files ?? new Map());
  for (const [team, name] of [["shop", "web"], ["jobs", "batch"]] as const) {
    writeTree(join(root, team), new Map([["deployment.yaml", deployment(name, team)], ["kustomization.yaml", "resources: [deployment.yaml]\n"]]));
  }
  let n = 0;
  const build = (resources: string[], components: string[]) => {
    const overlay = join(root, `overlay-${n++}`);
    writeTree(overlay, new Map([["kustomization.yaml", `resources: [${resources.map((r) => `../${r}`).join(", ")}]\ncomponents: [${components.map((c) => `../out/${c}`).join(", ")}]\n`]]));
    const run = spawnSync("kubectl", ["kustomize", overlay], { encoding: "utf8" });
    return { status: run.status, text: run.stdout, stderr: run.stderr, objects: run.status === 0 ? parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj) : [] };
  };
  return { root, build };
}

const mountsOf = (objects: Obj[], name: string): string[] => {
  const d = objects.find((o) => o["kind"] === "Deployment" && o["metadata"]["name"] === name);
  assert.ok(d, `Deployment ${name} in the build`);
  return ((d["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] ?? []) as Obj[]).map((m) => m["mountPath"] as string);
};

test("an overlay that holds one namespace's workloads includes patches/<namespace> only", async () => {
  const { build } = await workspace();
  const shop = build(["shop"], ["patches/shop"]);
  assert.is(shop.status, 0, shop.stderr);
  assert.equal(mountsOf(shop.objects, "web"), ["/tls"]);
  assert.equal(shop.objects.map((o) => `${o["kind"]}/${o["metadata"]["name"]}`), ["Deployment/web"]);
  const jobs = build(["jobs"], ["patches/jobs"]);
  assert.is(jobs.status, 0, jobs.stderr);
  assert.equal(mountsOf(jobs.objects, "batch"), ["/tls"]);
  // The all-in-one Component still needs every patched object: this is why the per-namespace ones exist.
  const whole = build(["shop"], ["patches"]);
  assert.is.not(whole.status, 0);
  assert.match(whole.stderr, /failed to find unique target for patch/);
});

test("patches/ applies every namespace's patches; including it and patches/<namespace> builds the same", async () => {
  const { build } = await workspace();
  const all = build(["shop", "jobs"], ["patches"]);
  assert.is(all.status, 0, all.stderr);
  assert.equal(mountsOf(all.objects, "web"), ["/tls"]);
  assert.equal(mountsOf(all.objects, "batch"), ["/tls"]);
  // Strategic merge matches mounts by mountPath and volumes by name: a second application changes nothing.
  const both = build(["shop", "jobs"], ["patches", "patches/shop"]);
  assert.is(both.status, 0, both.stderr);
  assert.is(both.text, all.text);
});

test("verify reads every patch file through the per-namespace Components as a patch", async () => {
  const result = await compileText(TWO_TEAMS);
  const roles = classifyFiles(result.tree?.files ?? new Map(), "output").filter((f) => f.file.startsWith("patches/") && !f.file.endsWith("kustomization.yaml"));
  assert.equal(roles.map((f) => [f.file, f.role]), [
    ["patches/jobs/deployment-batch.yaml", "patch"],
    ["patches/shop/deployment-web.yaml", "patch"],
  ]);
});

test("the separate Secrets tree: kustomize builds exactly its Secrets, and -R -f reads nothing but Secrets", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-secrets-tree-"));
  writeFileSync(join(dir, "mesh-security.yaml"), MESH_CA_POLICY);
  const result = await compilePolicy({ policyFile: join(dir, "mesh-security.yaml"), missingMaterial: "generate" });
  assert.equal(result.diagnostics, []);
  const secrets = join(dir, "secrets");
  writeTree(secrets, result.tree?.secretFiles ?? new Map());
  const built = parseAllDocuments(execFileSync("kubectl", ["kustomize", secrets], { encoding: "utf8" })).map((d) => d.toJS() as Obj);
  const want = ["Secret cert-manager/internal-ca", "Secret istio-system/cacerts"];
  assert.equal(built.map((o) => `${o["kind"]} ${o["metadata"]["namespace"]}/${o["metadata"]["name"]}`).sort(), want);
  // `oc apply -R -f` reads every .json/.yaml/.yml file below the directory; `label --local` reads the same
  // files without a cluster. A kustomization.yaml would be read as an object no API server knows.
  const read = execFileSync("kubectl", ["label", "--local", "-R", "-f", secrets, "checked=yes", "-o", "name"], { encoding: "utf8" });
  assert.equal(read.trim().split("\n").sort(), ["secret/cacerts", "secret/internal-ca"]);
});

test("compile -o writes the Secrets directory that `oc apply -k` takes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-secrets-dir-"));
  writeFileSync(join(dir, "mesh-security.yaml"), MESH_CA_POLICY);
  const run = await runMain(["compile", "-o", "manifests"], { cwd: dir }); // in this process (test/helpers/cli.ts)
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stderr, /wrote 2 Secret\(s\) with private keys to .*private\/secrets \(apply them out of band with oc apply -k /);
  const built = parseAllDocuments(execFileSync("kubectl", ["kustomize", join(dir, ".mesh-security", "private", "secrets")], { encoding: "utf8" })).map((d) => d.toJS() as Obj);
  assert.equal(built.map((o) => `${o["kind"]}/${o["metadata"]["name"]}`).sort(), ["Secret/cacerts", "Secret/internal-ca"]);
  // The directory as written, marker included: `-R -f` (here `label --local`, which reads the same files)
  // finds nothing but the Secrets, because the private marker has no .json extension.
  const secretsDir = join(dir, ".mesh-security", "private", "secrets");
  const read = spawnSync("kubectl", ["label", "--local", "-R", "-f", secretsDir, "checked=yes", "-o", "name"], { encoding: "utf8" });
  assert.is(read.status, 0, read.stderr);
  assert.equal(read.stdout.trim().split("\n").sort(), ["secret/cacerts", "secret/internal-ca"]);
  // A second compile recognises its own private directory by that marker (no MS4001).
  const again = await runMain(["compile", "-o", "manifests"], { cwd: dir });
  assert.is(again.status, 0, again.stderr);
});

test("a private directory written with the old .json marker is still recognised, and moves to the new one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-secrets-old-marker-"));
  const secrets = join(dir, "secrets");
  mkdirSync(secrets);
  writeFileSync(join(secrets, "a.yaml"), "old\n");
  writeFileSync(join(secrets, MARKER), JSON.stringify({ generator: "mesh-security", files: ["a.yaml"] }) + "\n");
  assert.equal(await writeOutputDir(secrets, new Map([["b.yaml", "new\n"]]), { private: true }), []);
  assert.equal(readdirSync(secrets).sort(), [PRIVATE_MARKER, "b.yaml"]);
});

test.run();
