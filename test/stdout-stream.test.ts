import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseAllDocuments } from "yaml";
import { streamObjects } from "../src/write/stream.js";
import { runMain } from "./helpers/cli.js";
import { compileExample, exampleCases } from "./helpers/examples.js";

const WAVE = "argocd.argoproj.io/sync-wave";
type Doc = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } };
const docs = (text: string): Doc[] => parseAllDocuments(text).map((d) => d.toJS() as Doc);

test("the stream carries every owned object once, in sync-wave order, ties by output path", async () => {
  let sawManyWaves = false;
  for (const name of exampleCases()) {
    const result = await compileExample(name);
    if (!result.tree || !result.rendered || !result.model) continue;
    const stream = streamObjects(result.rendered, result.tree, result.model.output.secrets);
    const objects = docs(stream.text);
    const waves = objects.map((o) => Number(o.metadata.annotations?.[WAVE] ?? "0"));
    assert.equal(waves, [...waves].sort((a, b) => a - b), `${name}: waves out of order`);
    if (new Set(waves).size > 2) sawManyWaves = true;
    // Same objects as the resources kustomization.yaml lists; within a wave, in path order.
    // Routes with spec.tls.externalCertificate are left out (the API server rejects them before their Secret exists).
    const deferred = new Set(stream.deferred.map((d) => d.path));
    const owned = [...result.rendered].filter((r) => r.planned.role !== "patch" && result.tree?.files.has(result.tree.paths.get(r) ?? "") && !deferred.has(result.tree.paths.get(r) ?? ""));
    const expected = owned
      .map((r) => ({ wave: r.planned.wave, path: result.tree?.paths.get(r) ?? "" }))
      .sort((a, b) => a.wave - b.wave || (a.path < b.path ? -1 : 1))
      .map((e) => result.tree?.files.get(e.path));
    assert.is(stream.text, expected.join("---\n"), name);
    assert.is(stream.patches, result.rendered.filter((r) => r.planned.role === "patch").length, name);
  }
  assert.ok(sawManyWaves, "no example spans more than two waves");
});

// mesh-sail: its mesh-wide STRICT PeerAuthentication and AuthorizationPolicies are wave 20 (Maistra 2.x sets
// mesh-wide STRICT through the control plane, so its example has no wave-20 object any more).
test("a STRICT PeerAuthentication (wave 20) comes after the objects of wave 0", async () => {
  const result = await compileExample("mesh-sail");
  assert.ok(result.tree && result.rendered && result.model);
  const kinds = docs(streamObjects(result.rendered, result.tree, result.model.output.secrets).text).map((o) => `${o.metadata.annotations?.[WAVE] ?? ""} ${o.kind}`);
  const strict = kinds.findIndex((k) => k.startsWith("20 "));
  assert.ok(strict > 0, kinds.join(", "));
  assert.ok(kinds.slice(strict).every((k) => k.startsWith("20 ")), kinds.join(", "));
});

function copyExample(name: string): { dir: string; policy: string } {
  const dir = mkdtempSync(join(tmpdir(), "ms-stream-"));
  cpSync(join("examples", name, "mesh-security.yaml"), join(dir, "mesh-security.yaml"));
  return { dir, policy: join(dir, "mesh-security.yaml") };
}

// The command line runs in this process (test/helpers/cli.ts): these tests are about what compile prints.
test("--stdout says on stderr what the stream leaves out, and the command that writes it", async () => {
  const { dir, policy } = copyExample("mesh-maistra-v2");
  try {
    const r = await runMain(["compile", policy, "--stdout"]);
    assert.is(r.status, 0, r.stderr);
    assert.not.match(r.stdout, /PRIVATE KEY|ca-key\.pem/);
    assert.match(r.stderr, /leaves out what one stream cannot carry/);
    assert.match(r.stderr, /\d+ patch\(es\) for objects the policy does not own: `mesh-security compile \S+ -o <dir>` writes them to <dir>\/patches/);
    assert.match(r.stderr, new RegExp(`1 Secret\\(s\\) with private keys \\(output\\.secrets: separate\\): \`mesh-security compile \\S+ -o <dir>\` writes them to ${join(dir, ".mesh-security", "private", "secrets").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The Route API refuses a Route whose externalCertificate Secret does not exist yet
// (openshift/library-go pkg/route/validation validateTLSExternalCertificate), and in one `oc apply -f -`
// cert-manager has not issued it yet. Such Routes stay out of the stream and are named on stderr.
test("externalCertificate Routes stay out of the stream and are named on stderr with the command that applies them", async () => {
  const result = await compileExample("route-external-certificate");
  assert.ok(result.tree && result.rendered && result.model);
  const stream = streamObjects(result.rendered, result.tree, result.model.output.secrets);
  const routes = [...result.rendered].filter((r) => r.planned.kind === "Route" && (r.object["spec"] as { tls?: { externalCertificate?: unknown } }).tls?.externalCertificate);
  assert.ok(routes.length > 0, "the example has externalCertificate Routes");
  assert.equal(stream.deferred.map((d) => d.path), routes.map((r) => result.tree?.paths.get(r) ?? "").sort());
  assert.not.ok(docs(stream.text).some((d) => d.kind === "Route" && routes.some((r) => r.planned.name === d.metadata.name && r.planned.namespace === d.metadata.namespace)), "a deferred Route is in the stream");
  // The Certificate that writes the Secret, and the Role that lets the router read it, are still streamed.
  assert.ok(docs(stream.text).some((d) => d.kind === "Certificate"));
  assert.ok(docs(stream.text).some((d) => d.kind === "Role"));

  const { dir, policy } = copyExample("route-external-certificate");
  try {
    const r = await runMain(["compile", policy, "--stdout"]);
    assert.is(r.status, 0, r.stderr);
    const first = stream.deferred[0];
    assert.ok(first);
    assert.match(r.stderr, `Route ${first.namespace}/${first.name}: the API server rejects it until Secret ${first.namespace}/${first.secret} (spec.tls.externalCertificate) exists`);
    assert.match(r.stderr, `\`mesh-security compile ${policy} -o <dir> && oc apply -f <dir>/${first.path}\``);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compile -o from inside the output directory is refused (MS4010); --check from there is fine", async () => {
  const { dir, policy } = copyExample("service-ca-basics");
  try {
    const run = (args: string[], cwd: string) => runMain(args, { cwd });
    assert.is((await run(["compile", policy, "-o", "out"], dir)).status, 0);
    const out = join(dir, "out");
    const before = readdirSync(out).sort();
    for (const [cwd, target] of [[out, "."], [join(out, "shop"), ".."]] as const) {
      mkdirSync(cwd, { recursive: true });
      const refused = await run(["compile", policy, "-o", target], cwd);
      assert.is(refused.status, 2, refused.stderr);
      assert.match(refused.stderr, /error MS4010 refusing to write/);
      assert.match(refused.stderr, /hint: run it from outside, e\.g\. cd \.\.(\/\.\.)? && mesh-security compile <policy> -o out/);
      assert.ok(existsSync(cwd), "the working directory still exists");
      const check = await run(["compile", policy, "-o", target, "--check"], cwd);
      assert.is(check.status, 0, check.stderr);
    }
    assert.equal(readdirSync(out).sort(), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
