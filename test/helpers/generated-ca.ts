import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as assert from "uvu/assert";
import { generateAuthority } from "../../src/ca/generate.js";
import type { AuthoritySpec, GeneratedAuthority, KeyAlgorithm } from "../../src/ca/generate.js";
import { materialOf } from "../../src/ca/state.js";
import { opensslOk, withTempDir } from "./openssl.js";

// Generating an authority and checking it with openssl: shared by test/ca-generate.test.ts and the
// slow group (test/slow/ca-generate-rsa4096.slow.ts).

export function spec(keyAlgorithm: KeyAlgorithm, intermediate: boolean, extra: Partial<AuthoritySpec> = {}): AuthoritySpec {
  return { name: "internal", keyAlgorithm, subject: "CN=shop internal root CA,O=Example", validityDays: 790, intermediate, intermediateValidityDays: 395, ...extra };
}

/** Write an authority the way the state directory names its files; returns the paths. */
export function writeFiles(dir: string, generated: GeneratedAuthority): Record<"root" | "ca" | "chain" | "caKey", string> {
  const material = materialOf("internal", generated);
  const paths = { root: join(dir, "root-cert.pem"), ca: join(dir, "ca-cert.pem"), chain: join(dir, "cert-chain.pem"), caKey: join(dir, "ca-key.pem") };
  writeFileSync(paths.root, material.rootCertPem);
  writeFileSync(paths.ca, material.caCertPem);
  writeFileSync(paths.chain, material.certChainPem);
  writeFileSync(paths.caKey, material.caKeyPem ?? "");
  return paths;
}

const text = (file: string): string => opensslOk(["x509", "-in", file, "-text", "-noout"]);
const keyId = (dump: string, label: string): string => new RegExp(`${label}:\\s*\\n\\s*(?:keyid:)?([0-9A-F:]+)`).exec(dump)?.[1] ?? "";

/** Generate an authority and check with openssl its chain, CA extensions, algorithm and key. */
export async function checkGeneratedAuthority(algorithm: KeyAlgorithm, intermediate: boolean, signature: string, keySize: string): Promise<void> {
  const generated = await generateAuthority(spec(algorithm, intermediate), new Date());
  assert.is(generated.intermediate !== undefined, intermediate);
  await withTempDir("ms-ca-gen-", (dir) => {
    const files = writeFiles(dir, generated);
    // -x509_strict adds RFC 5280 checks: critical CA basicConstraints, SKI and AKI present, ...
    assert.match(opensslOk(["verify", "-x509_strict", "-CAfile", files.root, "-untrusted", files.chain, files.ca]), `${files.ca}: OK`);

    const root = text(files.root);
    assert.match(root, "X509v3 Basic Constraints: critical");
    assert.match(root, `CA:TRUE, pathlen:${intermediate ? 1 : 0}`);
    assert.match(root, /X509v3 Key Usage: critical\s*\n\s*Certificate Sign, CRL Sign\n/);
    assert.match(root, signature);
    assert.match(root, keySize);
    assert.is(keyId(root, "X509v3 Authority Key Identifier"), keyId(root, "X509v3 Subject Key Identifier"));
    assert.match(opensslOk(["x509", "-in", files.root, "-noout", "-subject", "-issuer", "-nameopt", "RFC2253"]), "subject=CN=shop internal root CA,O=Example\nissuer=CN=shop internal root CA,O=Example\n");

    if (intermediate) {
      const ca = text(files.ca);
      assert.match(ca, "X509v3 Basic Constraints: critical");
      assert.match(ca, "CA:TRUE, pathlen:0");
      assert.match(ca, /X509v3 Key Usage: critical\s*\n\s*Certificate Sign, CRL Sign\n/);
      assert.match(ca, signature);
      assert.match(ca, keySize);
      assert.ok(keyId(ca, "X509v3 Subject Key Identifier").length > 0);
      assert.is(keyId(ca, "X509v3 Authority Key Identifier"), keyId(root, "X509v3 Subject Key Identifier"));
      assert.is.not(keyId(ca, "X509v3 Subject Key Identifier"), keyId(root, "X509v3 Subject Key Identifier"));
      assert.match(opensslOk(["x509", "-in", files.ca, "-noout", "-subject", "-issuer", "-nameopt", "RFC2253"]), "subject=CN=shop internal intermediate CA,O=Example\nissuer=CN=shop internal root CA,O=Example\n");
    }
    // The signing key is PKCS#8 and belongs to ca-cert.pem.
    assert.match(generated.intermediate?.keyPem ?? generated.root.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.is(opensslOk(["pkey", "-in", files.caKey, "-pubout"]), opensslOk(["x509", "-in", files.ca, "-noout", "-pubkey"]));
  });
}
