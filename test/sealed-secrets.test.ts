import { createDecipheriv, createPrivateKey, privateDecrypt, constants, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { keyMatchesCertificate } from "../src/ca/pem.js";
import { hybridEncrypt } from "../src/ca/seal.js";
import { compilePolicy } from "../src/compile.js";
import type { CompileResult } from "../src/compile.js";
import { readPreviousObjects } from "../src/write/previous-output.js";
import { readTree } from "./helpers/examples.js";
import { opensslOk } from "./helpers/openssl.js";
import { MESH_CA_POLICY } from "./helpers/policy.js";
import { runMain } from "./helpers/cli.js";

// The compile command lines run in this process (test/helpers/cli.ts).

const policy = (scope = "strict", certificate = "sealed-secrets.pem"): string => `${MESH_CA_POLICY}output:
  secrets: sealed
  sealedSecrets: { certificate: ${certificate}, scope: ${scope} }
`;

/** A temp directory with the policy and a throwaway controller key pair (openssl, RSA-2048 for speed). */
function setup(scope = "strict"): { dir: string; policy: string; state: string; controllerKey: string } {
  const dir = mkdtempSync(join(tmpdir(), "ms-sealed-"));
  writeFileSync(join(dir, "mesh-security.yaml"), policy(scope));
  newControllerCertificate(dir);
  return { dir, policy: join(dir, "mesh-security.yaml"), state: join(dir, ".mesh-security"), controllerKey: join(dir, "controller.key") };
}

function newControllerCertificate(dir: string, bits = 2048): void {
  opensslOk(["req", "-x509", "-newkey", `rsa:${bits}`, "-nodes", "-keyout", join(dir, "controller.key"), "-out", join(dir, "sealed-secrets.pem"), "-subj", "/O=sealed-secrets/CN=sealed-secret", "-days", "30"]);
}

/**
 * HybridDecrypt as bitnami-labs/sealed-secrets pkg/crypto/crypto.go describes it, written here from
 * that description and not from src/ca/seal.ts: 2-byte big-endian RSA ciphertext length, RSA-OAEP
 * (SHA-256, label) of the session key, then AES-256-GCM with a zero nonce, the tag at the end.
 */
function hybridDecrypt(privateKeyPem: string, ciphertext: Buffer, label: Buffer): Buffer {
  const rsaLength = ciphertext.readUInt16BE(0);
  const sessionKey = privateDecrypt({ key: createPrivateKey(privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: label }, ciphertext.subarray(2, 2 + rsaLength));
  const aes = ciphertext.subarray(2 + rsaLength);
  const decipher = createDecipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]);
}

type Sealed = { metadata: { name: string; namespace: string; annotations: Record<string, string> }; spec: { encryptedData: Record<string, string>; template: { metadata: { name: string; namespace: string; annotations?: Record<string, string> }; type: string } } };

function sealedObjects(result: CompileResult): Map<string, Sealed> {
  const out = new Map<string, Sealed>();
  for (const [path, text] of result.tree?.files ?? []) if (/sealedsecret-/.test(path)) out.set(path, parse(text) as Sealed);
  return out;
}

function unseal(sealed: Sealed, keyPem: string, label: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(sealed.spec.encryptedData)) data[key] = hybridDecrypt(keyPem, Buffer.from(value, "base64"), Buffer.from(label)).toString("utf8");
  return data;
}

test("round trip: every sealed value decrypts with the controller's key and the strict label; ca-key.pem matches ca-cert.pem", async () => {
  const { dir, policy, state, controllerKey } = setup();
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.equal(result.diagnostics.map((d) => d.code), []);
  const sealed = sealedObjects(result);
  assert.equal([...sealed.keys()].sort(), ["cert-manager/sealedsecret-internal-ca.yaml", "istio-system/sealedsecret-cacerts.yaml"]);
  assert.is(result.tree?.secretFiles.size, 0, "nothing goes to the separate secrets directory");
  const key = readFileSync(controllerKey, "utf8");
  const cacerts = unseal(sealed.get("istio-system/sealedsecret-cacerts.yaml") as Sealed, key, "istio-system/cacerts");
  assert.equal(Object.keys(cacerts).sort(), ["ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem"]);
  assert.ok(keyMatchesCertificate(cacerts["ca-cert.pem"] ?? "", cacerts["ca-key.pem"] ?? ""), "the sealed ca-key.pem belongs to the sealed ca-cert.pem");
  assert.is(cacerts["ca-key.pem"], readFileSync(join(state, "private", "internal", "ca-key.pem"), "utf8"));
  // openssl agrees that the sealed intermediate chains to the sealed root.
  writeFileSync(join(dir, "root.pem"), cacerts["root-cert.pem"] ?? "");
  writeFileSync(join(dir, "ca.pem"), cacerts["ca-cert.pem"] ?? "");
  assert.match(opensslOk(["verify", "-CAfile", join(dir, "root.pem"), join(dir, "ca.pem")]), /: OK/);
  const issuer = unseal(sealed.get("cert-manager/sealedsecret-internal-ca.yaml") as Sealed, key, "cert-manager/internal-ca");
  assert.ok(keyMatchesCertificate(issuer["tls.crt"] ?? "", issuer["tls.key"] ?? ""));
  const template = (sealed.get("cert-manager/sealedsecret-internal-ca.yaml") as Sealed).spec.template;
  assert.equal([template.metadata.name, template.metadata.namespace, template.type], ["internal-ca", "cert-manager", "kubernetes.io/tls"]);
  rmSync(dir, { recursive: true, force: true });
});

test("a wrong label fails to decrypt (the controller refuses a renamed or moved SealedSecret)", async () => {
  const { dir, policy, controllerKey } = setup();
  const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const cacerts = sealedObjects(result).get("istio-system/sealedsecret-cacerts.yaml") as Sealed;
  const key = readFileSync(controllerKey, "utf8");
  for (const label of ["istio-system/other", "istio-system", "", "other/cacerts"]) {
    assert.throws(() => unseal(cacerts, key, label), undefined, `label ${JSON.stringify(label)}`);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("scopes: namespace-wide seals with the namespace as label, cluster-wide with none, each with the controller's annotation", async () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    ["strict", "istio-system/cacerts", {}],
    ["namespace-wide", "istio-system", { "sealedsecrets.bitnami.com/namespace-wide": "true" }],
    ["cluster-wide", "", { "sealedsecrets.bitnami.com/cluster-wide": "true" }],
  ];
  for (const [scope, label, annotations] of cases) {
    const { dir, policy, controllerKey } = setup(scope);
    const result = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
    const cacerts = sealedObjects(result).get("istio-system/sealedsecret-cacerts.yaml") as Sealed;
    assert.ok(unseal(cacerts, readFileSync(controllerKey, "utf8"), label)["ca-key.pem"]?.includes("PRIVATE KEY"), scope);
    const scopeAnnotations = (a: Record<string, string> | undefined): Record<string, string> => Object.fromEntries(Object.entries(a ?? {}).filter(([k]) => k.startsWith("sealedsecrets.bitnami.com/")));
    assert.equal(scopeAnnotations(cacerts.metadata.annotations), annotations, `${scope}: on the SealedSecret (Unseal reads its own metadata)`);
    assert.equal(scopeAnnotations(cacerts.spec.template.metadata.annotations), annotations, `${scope}: on the template, as kubeseal writes it`);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("stable bytes: unchanged material keeps its ciphertext; a new controller certificate or a new key re-seals", async () => {
  const { dir, policy, state } = setup();
  const first = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  const previousOf = (r: CompileResult): Map<string, Record<string, unknown>> => {
    const objects = new Map<string, Record<string, unknown>>();
    for (const [, text] of r.tree?.files ?? []) {
      const o = parse(text) as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
      if (o?.kind && o.metadata?.name) objects.set(`${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`, o as Record<string, unknown>);
    }
    return objects;
  };
  const again = await compilePolicy({ policyFile: policy, missingMaterial: "generate", previous: previousOf(first) });
  assert.equal([...(again.tree?.files ?? [])], [...(first.tree?.files ?? [])], "same input, same bytes");
  const fresh = await compilePolicy({ policyFile: policy, missingMaterial: "generate" });
  assert.not.equal(fresh.tree?.files.get("istio-system/sealedsecret-cacerts.yaml"), first.tree?.files.get("istio-system/sealedsecret-cacerts.yaml"), "without the previous output sealing is randomised");

  newControllerCertificate(dir);
  const resealed = await compilePolicy({ policyFile: policy, missingMaterial: "generate", previous: previousOf(first) });
  const digest = (r: CompileResult): string | undefined => (sealedObjects(r).get("istio-system/sealedsecret-cacerts.yaml") as Sealed).metadata.annotations["mesh-security/sealed-from"];
  assert.not.equal(digest(resealed), digest(first), "a new certificate changes the digest");
  const newKey = readFileSync(join(dir, "controller.key"), "utf8");
  assert.ok(unseal(sealedObjects(resealed).get("istio-system/sealedsecret-cacerts.yaml") as Sealed, newKey, "istio-system/cacerts")["ca-key.pem"]);

  // A new CA (regenerated material) re-seals too.
  rmSync(state, { recursive: true, force: true });
  const newCa = await compilePolicy({ policyFile: policy, missingMaterial: "generate", previous: previousOf(resealed) });
  assert.not.equal(digest(newCa), digest(resealed));
  // The digest is no hash of the key alone: it reveals nothing that is not keyed by it.
  assert.not.match(digest(first) ?? "", readFileSync(join(dir, "sealed-secrets.pem"), "utf8").slice(30, 60));
  rmSync(dir, { recursive: true, force: true });
});

test("compile -o in sealed mode: no plaintext key anywhere in the output directory, none in a secrets directory; a clone without keys recompiles the same bytes (MS2303)", async () => {
  const { dir, policy, state } = setup();
  const out = join(dir, "out");
  const run = (...args: string[]) => runMain(["compile", policy, "-o", out, ...args]);
  const first = await run();
  assert.is(first.status, 0, first.stderr);
  const tree = readTree(out);
  for (const [path, text] of tree) {
    assert.not.match(text, /PRIVATE KEY/, path);
    assert.not.match(text, /LS0tLS1CRUdJTi/, `${path} holds base64 PEM`);
    assert.not.match(text, /^kind: Secret$/m, path);
  }
  assert.not.ok(existsSync(join(state, "private", "secrets")), "no separate Secrets directory in sealed mode");
  assert.is((await run("--check")).status, 0);

  // The clone: public material and the committed output, no private/.
  rmSync(join(state, "private"), { recursive: true, force: true });
  const clone = await run();
  assert.is(clone.status, 0, clone.stderr);
  assert.match(clone.stderr, /MS2303 .*cert-manager\/internal-ca, istio-system\/cacerts keep their previous SealedSecret unchanged/);
  assert.equal(readTree(out), tree, "byte-identical output from a clone without keys");
  const check = await run("--check");
  assert.is(check.status, 0, check.stderr);
  assert.ok((await readPreviousObjects(out)).has("SealedSecret/istio-system/cacerts"));
  // A new controller certificate in a clone: the SealedSecrets cannot be re-sealed, and it says so.
  newControllerCertificate(dir);
  const outdated = await run();
  assert.is(outdated.status, 0, outdated.stderr);
  assert.match(outdated.stderr, /MS2303 the SealedSecret\(s\) cert-manager\/internal-ca, istio-system\/cacerts were sealed for another controller certificate or scope/);
  assert.equal(readTree(out), tree);
  rmSync(dir, { recursive: true, force: true });
});

test("an unusable controller certificate is MS3012 at output.sealedSecrets.certificate; an expired one warns MS3013", async () => {
  const { dir } = setup();
  const file = join(dir, "p.yaml");
  writeFileSync(file, policy("strict", "missing.pem"));
  const missing = await compilePolicy({ policyFile: file, missingMaterial: "generate" });
  assert.equal(missing.diagnostics.map((d) => [d.code, d.range?.start.line]), [["MS3012", 17]]);
  writeFileSync(join(dir, "ec.pem"), opensslOk(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "ec.key"), "-subj", "/CN=x", "-days", "1"]));
  writeFileSync(file, policy("strict", "ec.pem"));
  const ec = await compilePolicy({ policyFile: file, missingMaterial: "generate" });
  assert.equal(ec.diagnostics.map((d) => d.code), ["MS3012"]);
  assert.match(ec.diagnostics[0]?.message ?? "", /ec key; sealed-secrets encrypts with RSA-OAEP/);
  writeFileSync(file, policy());
  const expired = await compilePolicy({ policyFile: file, missingMaterial: "generate", now: new Date(Date.now() + 40 * 86_400_000) });
  assert.ok(expired.diagnostics.some((d) => d.code === "MS3013"), expired.diagnostics.map((d) => d.code).join());
  writeFileSync(file, policy().replace(/  sealedSecrets: .*\n/, ""));
  const unset = await compilePolicy({ policyFile: file, missingMaterial: "generate" });
  assert.equal(unset.diagnostics.map((d) => d.code), ["MS3012"]);
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The ciphertext-swap attack: replace one `encryptedData` value with anything sealed to the (public)
 * controller certificate under the right label, keep every annotation. Returns the swapped value.
 */
export function swapCiphertext(out: string, file: string, key: string, label: string, controllerCertPem: string): string {
  const path = join(out, file);
  const text = readFileSync(path, "utf8");
  const forged = hybridEncrypt(new X509Certificate(controllerCertPem).publicKey, Buffer.from("-----BEGIN PRIVATE KEY-----\nattacker's key\n-----END PRIVATE KEY-----\n"), Buffer.from(label)).toString("base64");
  const line = new RegExp(`^(\\s+${key.replace(/\./g, "\\.")}: ).*$`, "m");
  assert.match(text, line);
  writeFileSync(path, text.replace(line, `$1${forged}`));
  return forged;
}

test("a swapped ciphertext is not kept: with the keys --check is stale and compile re-seals (MS3024); a clone refuses it (MS3025)", async () => {
  const { dir, policy, state } = setup();
  const out = join(dir, "out");
  const run = (...args: string[]) => runMain(["compile", policy, "-o", out, ...args]);
  assert.is((await run()).status, 0);
  const file = "istio-system/sealedsecret-cacerts.yaml";
  const controller = readFileSync(join(dir, "sealed-secrets.pem"), "utf8");
  const forged = swapCiphertext(out, file, "ca-key.pem", "istio-system/cacerts", controller);
  const check = await run("--check");
  assert.is(check.status, 3, check.stderr);
  assert.match(check.stderr, /warning MS3024 the previous SealedSecret istio-system\/cacerts has no valid mesh-security\/sealed-signature/);
  const fixed = await run();
  assert.is(fixed.status, 0, fixed.stderr);
  assert.match(fixed.stderr, /MS3024/);
  assert.not.match(readFileSync(join(out, file), "utf8"), new RegExp(forged.slice(0, 40).replace(/[+/]/g, "\\$&")), "the forged value is gone");
  assert.is((await run("--check")).status, 0);
  const sealed = parse(readFileSync(join(out, file), "utf8")) as Sealed;
  assert.equal(unseal(sealed, readFileSync(join(dir, "controller.key"), "utf8"), "istio-system/cacerts")["ca-key.pem"], readFileSync(join(state, "private", "internal", "ca-key.pem"), "utf8"));

  // The clone: no keys, so it can neither verify by digest nor re-seal; only the signature tells.
  rmSync(join(state, "private"), { recursive: true, force: true });
  const tree = readTree(out);
  assert.is((await run("--check")).status, 0, "the signed output verifies in a clone");
  swapCiphertext(out, file, "ca-key.pem", "istio-system/cacerts", controller);
  const swapped = readTree(out);
  for (const args of [["--check"], []]) {
    const refused = await run(...args);
    assert.is(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /error MS3025 the previous SealedSecret istio-system\/cacerts has no valid mesh-security\/sealed-signature by the CA key of authority `internal`/);
  }
  assert.equal(readTree(out), swapped, "nothing written");
  // Nor may the signature or the annotations travel to another object, or be stripped.
  writeFileSync(join(out, file), tree.get(file)?.replace(/^(\s+mesh-security\/sealed-signature: ).*$/m, "$1v1:AAAA") ?? "");
  assert.is((await run("--check")).status, 1);
  writeFileSync(join(out, file), tree.get(file)?.replace(/^\s+mesh-security\/sealed-signature: .*\n/m, "") ?? "");
  assert.is((await run("--check")).status, 1);
  writeFileSync(join(out, file), tree.get(file) ?? "");
  assert.is((await run("--check")).status, 0);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
