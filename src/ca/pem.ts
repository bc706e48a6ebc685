import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----/g;

/** The CERTIFICATE blocks of a PEM text, in order, each with LF line ends and a final newline. */
export function splitCertificates(pem: string): string[] {
  return [...pem.matchAll(CERTIFICATE_BLOCK)].map((m) => `${m[0].replace(/\r\n/g, "\n")}\n`);
}

/**
 * Whether the private key belongs to the certificate: the SubjectPublicKeyInfo derived from the key
 * equals the certificate's, byte for byte. Throws when the key cannot be parsed.
 */
export function keyMatchesCertificate(certPem: string, keyPem: string): boolean {
  const certSpki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  const keySpki = createPublicKey(createPrivateKey(keyPem)).export({ type: "spki", format: "der" });
  return certSpki.equals(keySpki);
}
