import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { writeRotationRecord } from "../src/ca/rotation-record.js";
import { compilePolicy } from "../src/compile.js";
import { MESH_CA_POLICY } from "./helpers/policy.js";
import { runMain } from "./helpers/cli.js";

const BIN = join(process.cwd(), "bin", "mesh-security.js");
const POLICY = MESH_CA_POLICY;

function setup(policy = POLICY): { dir: string; policy: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), "ms-authority-"));
  writeFileSync(join(dir, "mesh-security.yaml"), policy);
  return { dir, policy: join(dir, "mesh-security.yaml"), state: join(dir, ".mesh-security") };
}

const decode = (secret: { data: Record<string, string> }, key: string): string => Buffer.from(secret.data[key] ?? "", "base64").toString("utf8");

test("compile generates once, reuses after: identical bytes, keys 0600, Secrets outside the output", async () => {
  const { dir, policy, state } = setup();
  const first = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.equal(first.diagnostics, []);
  assert.is(statSync(join(state, "private", "internal", "ca-key.pem")).mode & 0o777, 0o600);
  const second = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.equal([...(second.tree?.files ?? [])], [...(first.tree?.files ?? [])]);
  assert.equal([...(second.tree?.secretFiles ?? [])], [...(first.tree?.secretFiles ?? [])]);
  assert.equal([...(first.tree?.secretFiles.keys() ?? [])].sort(), ["Kustomization", "cert-manager/secret-internal-ca.yaml", "istio-system/secret-cacerts.yaml"]);
  for (const [path, text] of first.tree?.files ?? []) {
    assert.not.match(text, /kind: Secret/, `${path} holds a Secret`);
    assert.not.match(text, /PRIVATE KEY/, path);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("the CA issuer Secret and cacerts verify with openssl and carry matching keys", async () => {
  const { dir, policy } = setup();
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const secrets = result.tree?.secretFiles ?? new Map();
  const tls = parse(secrets.get("cert-manager/secret-internal-ca.yaml") ?? "") as { type: string; data: Record<string, string> };
  assert.is(tls.type, "kubernetes.io/tls");
  assert.equal(Object.keys(tls.data).sort(), ["ca.crt", "tls.crt", "tls.key"]);
  const cacerts = parse(secrets.get("istio-system/secret-cacerts.yaml") ?? "") as { type: string; data: Record<string, string> };
  assert.equal(Object.keys(cacerts.data).sort(), ["ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem"]);
  for (const key of Object.keys(cacerts.data)) writeFileSync(join(dir, key), decode(cacerts, key));
  const verify = execFileSync("openssl", ["verify", "-CAfile", join(dir, "root-cert.pem"), join(dir, "ca-cert.pem")], { encoding: "utf8" });
  assert.match(verify, /: OK/);
  const pub = (args: string[]): string => execFileSync("openssl", args, { encoding: "utf8" });
  assert.is(pub(["pkey", "-in", join(dir, "ca-key.pem"), "-pubout"]), pub(["x509", "-in", join(dir, "ca-cert.pem"), "-pubkey", "-noout"]));
  assert.is(decode(tls, "ca.crt"), decode(cacerts, "root-cert.pem"));
  assert.is(decode(tls, "tls.crt"), decode(cacerts, "cert-chain.pem"));
  rmSync(dir, { recursive: true, force: true });
});

test("a deleted private key fails the compile with MS3001 instead of re-issuing the CA", async () => {
  const { dir, policy, state } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const root = readFileSync(join(state, "authorities", "internal", "root-cert.pem"), "utf8");
  rmSync(join(state, "private", "internal", "ca-key.pem"));
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.equal(result.diagnostics.map((d) => [d.code, d.range?.start.line]), [["MS3001", 8]]);
  assert.not.ok(result.tree);
  assert.is(readFileSync(join(state, "authorities", "internal", "root-cert.pem"), "utf8"), root, "the CA was not re-issued");
  rmSync(dir, { recursive: true, force: true });
});

test("--check and validate never generate; --check reports missing material (MS3006)", async () => {
  const { dir, policy, state } = setup();
  const check = await compilePolicy({ policyFile: policy, missingMaterial: "report" });
  assert.equal(check.diagnostics.map((d) => d.code), ["MS3006"]);
  const validate = await compilePolicy({ policyFile: policy, missingMaterial: "ignore" });
  assert.equal(validate.diagnostics, []);
  assert.not.ok(existsSync(state));
  rmSync(dir, { recursive: true, force: true });
});

test("output.secrets: inline puts the Secrets into the output; none leaves them out", async () => {
  const inline = setup(POLICY + "output: { secrets: inline }\n");
  const a = await compilePolicy({ policyFile: inline.policy, missingMaterial: "generate" });
  assert.ok(a.tree?.files.has("istio-system/secret-cacerts.yaml"));
  assert.match(a.tree?.files.get("kustomization.yaml") ?? "", /istio-system\/secret-cacerts\.yaml/);
  const none = setup(POLICY + "output: { secrets: none }\n");
  const b = await compilePolicy({ policyFile: none.policy, missingMaterial: "generate" });
  assert.is(b.tree?.secretFiles.size, 0);
  assert.not.ok([...(b.tree?.files.keys() ?? [])].some((p) => p.includes("secret-")));
  rmSync(inline.dir, { recursive: true, force: true });
  rmSync(none.dir, { recursive: true, force: true });
});

// The real binary: whatever the process writes to its stdout and stderr, by any route, is checked.
test("no private key on stdout or stderr of any command", () => {
  const { dir, policy, state } = setup();
  const runs = [
    ["compile", policy, "-o", join(dir, "out")],
    ["compile", policy, "--stdout"],
    ["ca", "show", "-p", policy],
    ["explain", policy],
    ["validate", policy],
  ];
  for (const args of runs) {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
    assert.is(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
    const key = readFileSync(join(state, "private", "internal", "ca-key.pem"), "utf8");
    const body = key.split("\n").slice(1, -2).join("");
    for (const stream of [r.stdout, r.stderr]) {
      assert.not.match(stream, /PRIVATE KEY/, args.join(" "));
      assert.not.ok(stream.includes(body) || stream.includes(Buffer.from(key).toString("base64").slice(0, 40)), `${args.join(" ")} printed the key`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

test("rotation phases: issuers move at issue-new, mesh roots carry both until drop-old", async () => {
  const { dir, policy } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const withNext = POLICY.replace("issuers:", '  internal-2027:\n    generate: { subject: "CN=next root CA" }\nissuers:');
  const roots = (n: number): RegExp => new RegExp(`(-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\\s*){${n}}$`);
  for (const [phase, issuerSecret, rootCount] of [["trust-both", "internal-ca", 2], ["issue-new", "internal-2027-ca", 2], ["drop-old", "internal-2027-ca", 1]] as const) {
    writeFileSync(policy, `${withNext}rotation: { authority: internal, next: internal-2027, phase: ${phase} }\n`);
    const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
    // The api Secret's ca.crt carries one root until drop-old (MS2311).
    assert.equal(result.diagnostics.map((d) => d.code), phase === "drop-old" ? [] : ["MS2311"], phase);
    // As `compile` does once the output is written: the next phase is one step from this one.
    await writeRotationRecord(join(dir, ".mesh-security"), result.rotationRecord ?? null);
    const issuer = parse(result.tree?.files.get("cluster/clusterissuer-internal.yaml") ?? "") as { spec: { ca: { secretName: string } } };
    assert.is(issuer.spec.ca.secretName, issuerSecret, phase);
    const cacerts = parse(result.tree?.secretFiles.get("istio-system/secret-cacerts.yaml") ?? "") as { data: Record<string, string> };
    assert.match(decode(cacerts, "root-cert.pem").trim(), roots(rootCount), phase);
    assert.ok(result.notes.some((n) => n.subject === "authority internal" && n.text.startsWith(`rotation to internal-2027, phase ${phase}: `)), phase);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("ca rotate drives the phases by editing the policy, then finishes the rotation", async () => {
  const { dir, policy } = setup(POLICY.replace("mtls: { mode: STRICT }\n", "mtls: { mode: STRICT }  # keep this comment\n"));
  const run = (...args: string[]) => runMain(args); // in this process (test/helpers/cli.ts)
  assert.is((await run("ca", "init", "-p", policy)).status, 0);
  const year = new Date().getUTCFullYear();
  const steps = ["trust-both", "issue-new", "drop-old"];
  const out = join(dir, "out");
  for (const phase of steps) {
    const r = await run("ca", "rotate", "internal", "-p", policy);
    assert.is(r.status, 0, r.stderr);
    // Each phase is compiled (and so recorded) before the next step.
    const c = await run("compile", policy, "-o", out);
    assert.is(c.status, 0, c.stderr);
    const doc = parse(readFileSync(policy, "utf8")) as { rotation: { phase: string; next: string } };
    assert.is(doc.rotation.phase, phase);
    assert.is(doc.rotation.next, `internal-${year}`);
  }
  const done = await run("ca", "rotate", "internal", "-p", policy);
  assert.is(done.status, 0, done.stderr);
  const text = readFileSync(policy, "utf8");
  const doc = parse(text) as { rotation?: unknown; authorities: Record<string, unknown>; issuers: { internal: { ca: { authority: string } } }; platform: { serviceMesh: { certificateAuthority: string } } };
  assert.not.ok(doc.rotation);
  assert.equal(Object.keys(doc.authorities), [`internal-${year}`]);
  assert.is((doc.authorities[`internal-${year}`] as { generate: { subject: string } }).generate.subject, `CN=test root CA ${year},O=Example`);
  assert.is(doc.issuers.internal.ca.authority, `internal-${year}`);
  assert.is(doc.platform.serviceMesh.certificateAuthority, `internal-${year}`);
  assert.match(text, /# keep this comment/);
  rmSync(dir, { recursive: true, force: true });
});

test("an authority inside its rotation window warns (MS2301); a key weaker than the modern profile warns (MS2302)", async () => {
  const { dir, policy } = setup();
  await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const later = new Date(Date.now() + 500 * 86_400_000);
  const aged = await compilePolicy({ policyFile: policy, missingMaterial: "generate", now: later });
  assert.equal(aged.diagnostics.map((d) => [d.code, d.range?.start.line]), [["MS2301", 8]]);
  const weak = setup(POLICY.replace("keyAlgorithm: ECDSA-P256", "keyAlgorithm: RSA-2048") + "tls: { profile: modern }\n");
  const result = await compilePolicy({ policyFile: weak.policy, missingMaterial: "generate" });
  assert.equal(result.diagnostics.map((d) => [d.code, d.range?.start.line, d.range?.start.column]), [["MS2302", 9, 31]]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(weak.dir, { recursive: true, force: true });
});

test("a subject that is not a distinguished name fails generation with MS3005 and writes no material", async () => {
  const { dir, policy, state } = setup(POLICY.replace('subject: "CN=test root CA,O=Example"', 'subject: "CN=test,FOO=bar"'));
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.equal(result.diagnostics.map((d) => [d.code, d.range?.start.line]), [["MS3005", 8]]);
  assert.not.ok(existsSync(join(state, "authorities", "internal")));
  rmSync(dir, { recursive: true, force: true });
});

test("Knative trust bundles carry the generated root, byte for byte, and it parses as a CA", async () => {
  const { dir, policy, state } = setup(POLICY.replace("mtls: { mode: STRICT }\n", "knative:\n  trustBundle: { authorities: [internal], namespaces: [knative-serving] }\n").replace("flavor: maistra-v2", "flavor: none"));
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.equal(result.diagnostics, []);
  const cm = parse(result.tree?.files.get("knative-serving/configmap-knative-trust-bundle.yaml") ?? "") as { data: Record<string, string> };
  const root = readFileSync(join(state, "authorities", "internal", "root-cert.pem"), "utf8");
  assert.is(cm.data["internal.pem"], root);
  writeFileSync(join(dir, "bundle.pem"), cm.data["internal.pem"] ?? "");
  assert.match(execFileSync("openssl", ["x509", "-in", join(dir, "bundle.pem"), "-noout", "-text"], { encoding: "utf8" }), /CA:TRUE/);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
