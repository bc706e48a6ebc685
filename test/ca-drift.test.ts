import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GENERATION_RECORD } from "../src/ca/generation-record.js";
import { compilePolicy } from "../src/compile.js";
import { readTree } from "./helpers/examples.js";
import { HEADER } from "./helpers/policy.js";
import { runMain } from "./helpers/cli.js";

const GENERATE = '{ keyAlgorithm: ECDSA-P256, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: true }';
const policyWith = (generate: string): string => `${HEADER}platform:
  serviceMesh: { flavor: maistra-v2, owned: true, certificateAuthority: internal }
authorities:
  internal:
    generate: ${generate}
issuers:
  internal: { ca: { authority: internal } }
services:
  - { name: api, namespace: shop, certificate: { issuer: internal } }
mtls: { mode: STRICT }
`;

function setup(): { dir: string; policy: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), "ms-drift-"));
  writeFileSync(join(dir, "mesh-security.yaml"), policyWith(GENERATE));
  return { dir, policy: join(dir, "mesh-security.yaml"), state: join(dir, ".mesh-security") };
}

/** The command line, in this process (test/helpers/cli.ts); the exit codes of the real process are checked in test/cli-ci.test.ts. */
const cli = (args: string[]) => runMain(args);

test("the generation record is public, deterministic and travels with the certificates", async () => {
  const { dir, policy, state } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const text = readFileSync(join(state, "authorities", "internal", GENERATION_RECORD), "utf8");
  assert.is(
    text,
    '{\n  "generator": "mesh-security",\n  "version": 1,\n  "keyAlgorithm": "ECDSA-P256",\n  "subject": "CN=test root CA,O=Example",\n  "validityDays": 790,\n  "intermediate": true,\n  "intermediateValidityDays": 790,\n  "pathLength": 1\n}\n',
  );
  rmSync(dir, { recursive: true, force: true });
});

test("drift: each changed field is an MS3007 at that field, pointing at ca rotate and ca regenerate; the old CA is neither used nor replaced", async () => {
  const cases: Array<[string, string, string, number]> = [
    ["subject", '{ keyAlgorithm: ECDSA-P256, subject: "CN=other root CA,O=Example", validityDays: 790, intermediate: true }', "subject", 9],
    ["keyAlgorithm", '{ keyAlgorithm: ECDSA-P384, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: true }', "keyAlgorithm", 9],
    ["validityDays", '{ keyAlgorithm: ECDSA-P256, subject: "CN=test root CA,O=Example", validityDays: 400, intermediate: true }', "validityDays", 9],
    ["intermediate", '{ keyAlgorithm: ECDSA-P256, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: false }', "intermediate", 9],
    ["intermediateValidityDays", '{ keyAlgorithm: ECDSA-P256, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: true, intermediateValidityDays: 600 }', "intermediateValidityDays", 9],
  ];
  for (const [name, generate, field, line] of cases) {
    const { dir, policy, state } = setup();
    await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
    const root = readFileSync(join(state, "authorities", "internal", "root-cert.pem"), "utf8");
    writeFileSync(policy, policyWith(generate));
    for (const missingMaterial of ["generate", "report"] as const) {
      const result = await compilePolicy({ policyFile: policy, missingMaterial });
      const drift = result.diagnostics.filter((d) => d.code === "MS3007");
      assert.equal(drift.map((d) => [d.path.at(-1), d.range?.start.line]), [[field, line]], `${name} (${missingMaterial})`);
      assert.match(drift[0]?.message ?? "", new RegExp(`authority \`internal\`: \`${field}\``));
      assert.match(drift[0]?.hint ?? "", /mesh-security ca rotate internal.*mesh-security ca regenerate internal --yes/);
      assert.not.ok(result.tree, `${name}: no output from a CA the policy no longer describes`);
    }
    // The CLI once is enough (spawning is slow); the in-process compile above covers each field.
    if (name !== "subject") {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const validate = await cli(["validate", policy]);
    assert.is(validate.status, 1, `${name}: validate fails`);
    assert.match(validate.stderr, /MS3007/);
    const init = await cli(["ca", "init", "-p", policy]);
    assert.is(init.status, 1, `${name}: ca init does not say ready`);
    assert.not.match(init.stderr, /ready/);
    assert.is(readFileSync(join(state, "authorities", "internal", "root-cert.pem"), "utf8"), root, `${name}: never regenerated silently`);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ca rotate after an edit phases the edited parameters in: the new authority gets them, the old block gets back what its CA was made with", async () => {
  const { dir, policy, state } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  writeFileSync(policy, policyWith('{ keyAlgorithm: ECDSA-P384, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: true }'));
  const rotate = await cli(["ca", "rotate", "internal", "-p", policy]);
  assert.is(rotate.status, 0, rotate.stderr);
  const { parse } = await import("yaml");
  const doc = parse(readFileSync(policy, "utf8")) as { authorities: Record<string, { generate: { keyAlgorithm: string } }>; rotation: { next: string } };
  const next = doc.rotation.next;
  assert.is(doc.authorities["internal"]?.generate.keyAlgorithm, "ECDSA-P256");
  assert.is(doc.authorities[next]?.generate.keyAlgorithm, "ECDSA-P384");
  assert.match(readFileSync(join(state, "authorities", next, GENERATION_RECORD), "utf8"), /"keyAlgorithm": "ECDSA-P384"/);
  const after = await compilePolicy({ policyFile: policy, missingMaterial: "report" });
  assert.equal(after.diagnostics.filter((d) => d.severity === "error"), []);
  rmSync(dir, { recursive: true, force: true });
});

test("equivalent spellings of a subject are no drift", async () => {
  const { dir, policy } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  writeFileSync(policy, policyWith('{ keyAlgorithm: ECDSA-P256, subject: "CN=test root CA, O=Example", validityDays: 790, intermediate: true }'));
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "report" });
  assert.equal(result.diagnostics.map((d) => d.code), []);
  rmSync(dir, { recursive: true, force: true });
});

test("ca regenerate needs --yes; with it, a new CA with the policy's parameters replaces the old one", async () => {
  const { dir, policy, state } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const root = readFileSync(join(state, "authorities", "internal", "root-cert.pem"), "utf8");
  writeFileSync(policy, policyWith('{ keyAlgorithm: ECDSA-P384, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: true }'));
  const refused = await cli(["ca", "regenerate", "internal", "-p", policy]);
  assert.is(refused.status, 2);
  assert.match(refused.stderr, /deletes the stored CA .*--yes/);
  assert.is(readFileSync(join(state, "authorities", "internal", "root-cert.pem"), "utf8"), root);
  const done = await cli(["ca", "regenerate", "internal", "-p", policy, "--yes"]);
  assert.is(done.status, 0, done.stderr);
  assert.not.equal(readFileSync(join(state, "authorities", "internal", "root-cert.pem"), "utf8"), root);
  assert.match(readFileSync(join(state, "authorities", "internal", GENERATION_RECORD), "utf8"), /"keyAlgorithm": "ECDSA-P384"/);
  const after = await compilePolicy({ policyFile: policy, missingMaterial: "report" });
  assert.equal(after.diagnostics.map((d) => d.code), []);
  const show = await cli(["ca", "show", "-p", policy]);
  assert.match(show.stdout, /generated from: keyAlgorithm="ECDSA-P384" subject="CN=test root CA,O=Example" validityDays=790 intermediate=true/);
  assert.is(show.stderr, "");
  rmSync(dir, { recursive: true, force: true });
});

test("migration: material without a record is read from its certificates (MS2308); ca init writes the record; a broken record is MS3008", async () => {
  const { dir, policy, state } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const recordPath = join(state, "authorities", "internal", GENERATION_RECORD);
  const record = readFileSync(recordPath, "utf8");
  rmSync(recordPath);
  const legacy = await compilePolicy({ policyFile: policy, missingMaterial: "report" });
  assert.equal(legacy.diagnostics.map((d) => d.code), ["MS2308"]);
  assert.ok(legacy.tree, "legacy material still compiles");
  // Drift is detected from the certificates too.
  writeFileSync(policy, policyWith('{ keyAlgorithm: ECDSA-P256, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: false }'));
  const drifted = await compilePolicy({ policyFile: policy, missingMaterial: "report" });
  assert.equal(drifted.diagnostics.map((d) => d.code).sort(), ["MS2306", "MS2308", "MS3007"]);
  writeFileSync(policy, policyWith(GENERATE));
  const init = await cli(["ca", "init", "-p", policy]);
  assert.is(init.status, 0, init.stderr);
  assert.match(init.stderr, /wrote its generation record/);
  assert.is(readFileSync(recordPath, "utf8"), record, "the derived record equals the one written at generation");
  assert.equal((await compilePolicy({ policyFile: policy, missingMaterial: "report" })).diagnostics, []);

  for (const [broken, pattern] of [["{", /is not valid JSON/], [record.replace('"ECDSA-P256"', '"RSA-2048"'), /disagrees with the stored certificates: keyAlgorithm RSA-2048/]] as const) {
    writeFileSync(recordPath, broken);
    const result = await compilePolicy({ policyFile: policy, missingMaterial: "report" });
    assert.equal(result.diagnostics.map((d) => d.code), ["MS3008"]);
    assert.match(result.diagnostics[0]?.message ?? "", pattern);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("a stored intermediate from the old default (half the root's validity) warns MS2307 instead of drifting", async () => {
  const { dir, policy, state } = setup();
  writeFileSync(policy, policyWith('{ keyAlgorithm: ECDSA-P256, subject: "CN=test root CA,O=Example", validityDays: 790, intermediate: true, intermediateValidityDays: 395 }'));
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  rmSync(join(state, "authorities", "internal", GENERATION_RECORD));
  writeFileSync(policy, policyWith(GENERATE));
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "report" });
  assert.equal(result.diagnostics.map((d) => d.code).sort(), ["MS2307", "MS2308"]);
  assert.ok(result.tree);
  rmSync(dir, { recursive: true, force: true });
});

test("a clone without private keys compiles byte-identical output with secrets: separate, naming the Secrets it did not refresh (MS2303)", async () => {
  const { dir, policy, state } = setup();
  const out = join(dir, "out");
  const first = await cli(["compile", policy, "-o", out]);
  assert.is(first.status, 0, first.stderr);
  const tree = readTree(out);
  const secrets = readTree(join(state, "private", "secrets"));
  assert.equal([...secrets.keys()], [".mesh-security-output", "Kustomization", "cert-manager/secret-internal-ca.yaml", "istio-system/secret-cacerts.yaml"]);
  rmSync(join(state, "private"), { recursive: true, force: true });
  for (const args of [["compile", policy, "-o", out], ["compile", policy, "-o", out, "--check"]]) {
    const clone = await cli(args);
    assert.is(clone.status, 0, clone.stderr);
    assert.match(clone.stderr, /notice MS2303 no private keys for authority `internal` in this checkout \(no private\/internal\/\): the Secret\(s\) cert-manager\/internal-ca, istio-system\/cacerts were not written/);
  }
  assert.equal(readTree(out), tree);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
