import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { codeBlocks } from "./helpers/markdown.js";
import { validateUpstream, VALIDATOR } from "./helpers/upstream.js";
import { runMain } from "./helpers/cli.js";

// docs/gitops.md "Fleets": the ApplicationSet must pass the upstream Argo CD schema and point at the
// directories the documented compile command writes; the CI snippet must be that command with --check.
const blocks = codeBlocks(["docs/gitops.md"]);
const fleetStart = blocks.findIndex((b) => b.text.includes("clusters/stage/mesh-security.yaml"));
const fleetBlocks = blocks.slice(fleetStart);

interface AppSet {
  apiVersion: string;
  kind: string;
  spec: {
    goTemplate?: boolean;
    generators: Array<{ git?: { directories?: Array<{ path: string }> } }>;
    template: { metadata: { name: string }; spec: { source: { path: string }; destination: { name?: string } } };
  };
}

const appSetBlock = fleetBlocks.find((b) => b.lang === "yaml" && /kind: ApplicationSet/.test(b.text));
const appSet = parse(appSetBlock?.text ?? "null") as AppSet | null;
const ciBlock = fleetBlocks.find((b) => b.lang === "yaml" && /jobs:/.test(b.text));
const ciCommand = (parse(ciBlock?.text ?? "{}") as { jobs?: { check?: { steps?: Array<{ run?: string }> } } }).jobs?.check?.steps?.map((s) => s.run ?? "").find((r) => r.includes("mesh-security compile")) ?? "";

test("the fleet ApplicationSet uses a git directories generator over the compiled directories", () => {
  assert.ok(appSet, "an ApplicationSet in the Fleets section");
  assert.is(appSet?.kind, "ApplicationSet");
  assert.equal(appSet?.spec.generators.flatMap((g) => g.git?.directories?.map((d) => d.path) ?? []), ["clusters/*/manifests"]);
  assert.is(appSet?.spec.goTemplate, true);
  // generateParamsFromApps (argo-cd applicationset/generators/git.go): .path.path and .path.segments with goTemplate.
  assert.is(appSet?.spec.template.spec.source.path, "{{.path.path}}");
  assert.match(appSet?.spec.template.metadata.name ?? "", /\{\{index \.path\.segments 1\}\}/);
});

test("the fleet CI step checks every cluster in one run, into the directories the ApplicationSet reads", () => {
  assert.match(ciCommand, /mesh-security compile clusters\/\*\/mesh-security\.yaml --out-dir-name manifests --check --format github/);
  const dirName = /--out-dir-name (\S+)/.exec(ciCommand)?.[1];
  const glob = appSet?.spec.generators[0]?.git?.directories?.[0]?.path ?? "";
  assert.is(glob, `clusters/*/${dirName}`);
});

// The command runs in this process (test/helpers/cli.ts); compile's exit 3 from the real process is checked in test/cli.test.ts.
test("the fleet CI command, run on examples/fleet laid out as documented, is green and then catches a stale cluster", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-docs-fleet-"));
  try {
    cpSync(join("examples", "fleet"), dir, { recursive: true });
    const args = ciCommand.replace(/^npx mesh-security /, "").split(/\s+/).filter(Boolean);
    const policies = ["clusters/prod/mesh-security.yaml", "clusters/stage/mesh-security.yaml"];
    const expand = (list: string[]): string[] => list.flatMap((a) => (a === "clusters/*/mesh-security.yaml" ? policies : [a]));
    const write = await runMain(expand(args.filter((a) => a !== "--check")), { cwd: dir });
    assert.is(write.status, 0, write.stderr);
    const check = await runMain(expand(args), { cwd: dir });
    assert.is(check.status, 0, check.stderr + check.stdout);
    const file = join(dir, "clusters", "stage", "manifests", "kustomization.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}# edited\n`);
    const stale = await runMain(expand(args), { cwd: dir });
    assert.is(stale.status, 3, stale.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const shared = existsSync(VALIDATOR) && existsSync(resolve("../shared/tools/node_modules")) && existsSync(resolve("../shared/crds/argoproj.io"));
if (!shared) {
  console.warn(`SKIPPED: the fleet ApplicationSet is not checked against the Argo CD schema: ${VALIDATOR} or ../shared/crds/argoproj.io is missing (npm ci --prefix ../shared/tools)`);
} else {
  test("the fleet ApplicationSet passes the upstream Argo CD schema (../shared/crds/argoproj.io), strictly", () => {
    const dir = mkdtempSync(join(tmpdir(), "ms-docs-fleet-argo-"));
    try {
      writeFileSync(join(dir, "applicationset.yaml"), appSetBlock?.text ?? "");
      const report = validateUpstream([dir]);
      assert.is(report.unknownKind, 0, report.output);
      assert.is(report.valid, 1, report.output);
      // And the schema is strict enough to notice a misspelt generator field.
      writeFileSync(join(dir, "applicationset.yaml"), (appSetBlock?.text ?? "").replace("directories:", "directorys:"));
      assert.is(validateUpstream([dir]).invalid, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
