import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse, parseAllDocuments } from "yaml";
import { codeBlocks } from "./helpers/markdown.js";
import { testWithShared, validateUpstream } from "./helpers/upstream.js";

// The YAML a reader copies out of the docs must parse, and the Argo CD objects among it must pass
// the upstream Argo CD schemas (../shared/crds/argoproj.io), strictly.
const FILES = ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
const yamlBlocks = codeBlocks(FILES).filter((b) => b.lang === "yaml");
const ARGO_KINDS = new Set(["Application", "AppProject", "ApplicationSet"]);

test("every YAML snippet in README.md and docs/ parses", () => {
  assert.ok(yamlBlocks.length >= 10, `only ${yamlBlocks.length} YAML snippets found`);
  for (const block of yamlBlocks) {
    for (const doc of parseAllDocuments(block.text)) {
      assert.equal(doc.errors.map((e) => e.message), [], `${block.file}:${block.line}`);
    }
  }
});

testWithShared(test, "tools", "the Argo CD Applications, AppProjects and ApplicationSets in the docs pass the upstream schema", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-docs-argo-"));
  try {
    let count = 0;
    for (const block of yamlBlocks) {
      for (const doc of parseAllDocuments(block.text)) {
        const object = doc.toJS() as { apiVersion?: string; kind?: string } | null;
        if (object?.apiVersion?.startsWith("argoproj.io/") && ARGO_KINDS.has(object.kind ?? "")) {
          writeFileSync(join(dir, `${String(count++).padStart(2, "0")}-${block.file.replace(/\W/g, "_")}-${block.line}.yaml`), doc.toString());
        }
      }
    }
    assert.ok(count >= 2, `only ${count} Argo CD objects in the docs`);
    const report = validateUpstream([dir]);
    assert.is(report.unknownKind, 0, report.output);
    assert.is(report.valid, count, report.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

testWithShared(test, "tools", "the validator would catch a wrong field in such a snippet", () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-docs-argo-"));
  try {
    writeFileSync(join(dir, "app.yaml"), "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: a, namespace: argocd }\nspec:\n  project: default\n  source: { repoURL: https://example.com/r.git, path: ., plugin: { nme: x } }\n  destination: { server: https://kubernetes.default.svc }\n");
    const report = validateUpstream([dir]);
    assert.is(report.invalid, 1, report.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the Config Management Plugin snippet is a sidecar plugin.yaml that streams with --no-generate", () => {
  const configMap = yamlBlocks.map((b) => parse(b.text) as { kind?: string; data?: Record<string, string> } | null).find((o) => o?.kind === "ConfigMap" && o.data?.["plugin.yaml"]);
  const plugin = parse(configMap?.data?.["plugin.yaml"] ?? "") as { apiVersion: string; kind: string; metadata: { name: string }; spec: { version: string; generate: { args: string[] }; discover: { fileName: string } } };
  assert.is(plugin.apiVersion, "argoproj.io/v1alpha1");
  assert.is(plugin.kind, "ConfigManagementPlugin");
  assert.match(plugin.spec.generate.args.join(" "), /mesh-security compile .* --stdout --no-generate/);
  const app = yamlBlocks.map((b) => parse(b.text) as { kind?: string; spec?: { source?: { plugin?: { name?: string } } } } | null).find((o) => o?.kind === "Application" && o.spec?.source?.plugin);
  // Argo CD matches spec.source.plugin.name against <metadata.name>-<spec.version>.
  assert.is(app?.spec?.source?.plugin?.name, `${plugin.metadata.name}-${plugin.spec.version}`);
  const patch = yamlBlocks.map((b) => parse(b.text) as { kind?: string; metadata?: { name?: string }; spec?: { template?: { spec?: { containers?: Array<{ command?: string[]; securityContext?: { runAsUser?: number }; volumeMounts?: Array<{ mountPath: string }> }> } } } } | null).find((o) => o?.kind === "Deployment" && o.metadata?.name === "argocd-repo-server");
  const sidecar = patch?.spec?.template?.spec?.containers?.[0];
  assert.equal(sidecar?.command, ["/var/run/argocd/argocd-cmp-server"]);
  assert.is(sidecar?.securityContext?.runAsUser, 999);
  assert.ok(sidecar?.volumeMounts?.some((m) => m.mountPath === "/home/argocd/cmp-server/config/plugin.yaml"));
});

test.run();
