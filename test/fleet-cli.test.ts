import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runMain } from "./helpers/cli.js";
import type { CliRun } from "./helpers/cli.js";

// A fleet in one run: the command line, in this process (test/helpers/cli.ts), on a copy of examples/fleet
// (base + stage + prod). The exit codes of the real process are checked in test/cli-ci.test.ts.
const run = (args: string[], cwd: string): Promise<CliRun> => runMain(args, { cwd });

/** examples/fleet without its committed outputs, in a temp directory. */
function fleetCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "ms-fleet-cli-"));
  cpSync(join("examples", "fleet"), dir, { recursive: true });
  for (const cluster of ["stage", "prod"]) rmSync(join(dir, "clusters", cluster, "expected"), { recursive: true, force: true });
  return dir;
}

const POLICIES = ["clusters/stage/mesh-security.yaml", "clusters/prod/mesh-security.yaml"];

test("compile several policies --out-dir-name: each into <its directory>/NAME, then --check 0, stale 3", async () => {
  const dir = fleetCopy();
  const first = await run(["compile", ...POLICIES, "--out-dir-name", "manifests"], dir);
  assert.is(first.status, 0, first.stderr);
  for (const cluster of ["stage", "prod"]) assert.ok(existsSync(join(dir, "clusters", cluster, "manifests", "kustomization.yaml")), cluster);
  // The same bytes as the committed goldens, compiled one by one.
  for (const cluster of ["stage", "prod"]) {
    const want = readFileSync(join("examples", "fleet", "clusters", cluster, "expected", "kustomization.yaml"), "utf8");
    assert.fixture(readFileSync(join(dir, "clusters", cluster, "manifests", "kustomization.yaml"), "utf8"), want, cluster);
  }
  const fresh = await run(["compile", ...POLICIES, "--out-dir-name", "manifests", "--check"], dir);
  assert.is(fresh.status, 0, fresh.stderr);
  assert.match(fresh.stderr, /clusters\/stage\/manifests is up to date/);
  assert.match(fresh.stderr, /clusters\/prod\/manifests is up to date/);
  // One stale cluster makes the run stale, and the other is still checked.
  const file = join(dir, "clusters", "prod", "manifests", "kustomization.yaml");
  writeFileSync(file, readFileSync(file, "utf8") + "# edited\n");
  const stale = await run(["compile", ...POLICIES, "--out-dir-name", "manifests", "--check"], dir);
  assert.is(stale.status, 3, stale.stderr);
  assert.match(stale.stderr, /clusters\/stage\/manifests is up to date/);
  assert.match(stale.stderr, /~ kustomization\.yaml/);
});

test("several policies: a policy error outranks stale (1), validate takes several, json is one document", async () => {
  const dir = fleetCopy();
  assert.is((await run(["compile", ...POLICIES, "--out-dir-name", "manifests"], dir)).status, 0);
  const file = join(dir, "clusters", "prod", "manifests", "kustomization.yaml");
  writeFileSync(file, readFileSync(file, "utf8") + "# edited\n");
  writeFileSync(join(dir, "clusters", "stage", "mesh-security.yaml"), readFileSync(join(dir, "clusters", "stage", "mesh-security.yaml"), "utf8").replace("host: customer.apps.stage.example.com", "host: Customer_Stage"));
  const both = await run(["compile", ...POLICIES, "--out-dir-name", "manifests", "--check"], dir);
  assert.is(both.status, 1, both.stderr);
  assert.match(both.stderr, /clusters\/stage\/mesh-security\.yaml:7:\d+ error MS1006/);
  const validate = await run(["validate", ...POLICIES], dir);
  assert.is(validate.status, 1);
  assert.match(validate.stderr, /clusters\/prod\/mesh-security\.yaml: ok/);
  const json = await run(["validate", ...POLICIES, "--format", "json"], dir);
  const parsed = JSON.parse(json.stdout) as Array<{ code: string; file: string }>;
  assert.ok(parsed.some((d) => d.code === "MS1006" && d.file === "clusters/stage/mesh-security.yaml"));
  assert.ok(parsed.some((d) => d.code === "MS2103" && d.file === "base/mesh-security.base.yaml"), "the base's warning, at the base");
  const compileJson = await run(["compile", ...POLICIES, "--out-dir-name", "manifests", "--check", "--format", "json"], dir);
  assert.ok(Array.isArray(JSON.parse(compileJson.stdout)), "one JSON document for the run");
  // GitHub annotations name the file that holds the value.
  const github = await run(["validate", ...POLICIES, "--format", "github"], dir);
  assert.match(github.stdout, /^::warning file=base\/mesh-security\.base\.yaml,line=30,col=15,/m);
  assert.match(github.stdout, /^::error file=clusters\/stage\/mesh-security\.yaml,line=7,/m);
});

const USAGE: Array<[string, string[], RegExp]> = [
  ["-o with several", ["compile", ...POLICIES, "-o", "out"], /use --out-dir-name/],
  ["--stdout with several", ["compile", ...POLICIES, "--stdout"], /--stdout/],
  ["--state-dir with several", ["compile", ...POLICIES, "--out-dir-name", "m", "--state-dir", "s"], /each keeps its own/],
  ["-o and --out-dir-name", ["compile", POLICIES[0] as string, "-o", "out", "--out-dir-name", "m"], /give one of them/],
  ["a path as --out-dir-name", ["compile", ...POLICIES, "--out-dir-name", "a/b"], /a directory name, not a path/],
  ["two policies, one directory", ["compile", POLICIES[0] as string, POLICIES[0] as string, "--out-dir-name", "m"], /two policies would be written to clusters\/stage\/m/],
  ["neither -o nor --out-dir-name", ["compile", ...POLICIES], /needs -o DIR, --out-dir-name NAME or --stdout/],
];

for (const [name, args, message] of USAGE) {
  test(`usage: ${name} exits 2`, async () => {
    const dir = fleetCopy();
    const result = await run(args, dir);
    assert.is(result.status, 2, result.stderr);
    assert.match(result.stderr, message);
  });
}

test("explain on an overlay says which file set each value it changed", async () => {
  const dir = fleetCopy();
  const result = await run(["explain", "clusters/prod/mesh-security.yaml"], dir);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /^ {2}mtls\.mode +clusters\/prod\/mesh-security\.yaml:7$/m);
  assert.match(result.stdout, /^ {2}services\[demo\/debug-tools\] +removed at clusters\/prod\/mesh-security\.yaml:12$/m);
  assert.match(result.stdout, /^ {2}issuers\.letsencrypt\.acme\.server +clusters\/prod\/mesh-security\.yaml:9$/m);
});

test("ca rotate refuses a policy that extends another (MS1024) and leaves both files as they were", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ms-fleet-rotate-"));
  const base = "apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata: { name: shop }\nauthorities:\n  internal:\n    generate: { keyAlgorithm: ECDSA-P256, subject: \"CN=shop root CA\", validityDays: 790 }\nissuers:\n  internal: { ca: { authority: internal } }\nservices:\n  - { name: api, namespace: shop, certificate: { issuer: internal } }\n";
  const overlay = "apiVersion: mesh-security/v1alpha1\nkind: MeshSecurityPolicy\nmetadata: { name: shop-prod }\nextends: base.yaml\n";
  writeFileSync(join(dir, "base.yaml"), base);
  writeFileSync(join(dir, "prod.yaml"), overlay);
  assert.is((await run(["ca", "init", "prod.yaml"], dir)).status, 0);
  const rotate = await run(["ca", "rotate", "internal", "prod.yaml"], dir);
  assert.is(rotate.status, 1, rotate.stderr);
  assert.match(rotate.stderr, /prod\.yaml:4:10 error MS1024 /);
  assert.is(readFileSync(join(dir, "base.yaml"), "utf8"), base);
  assert.is(readFileSync(join(dir, "prod.yaml"), "utf8"), overlay);
});

test.run();
