import { X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { loadX509 } from "./crypto.js";
import { formatDistinguishedName } from "./dn.js";

/** What `ca show` prints about one certificate. */
export interface CertificateInfo {
  /** RFC 4514, most specific first: `CN=shop internal root CA,O=Example`. */
  subject: string;
  issuer: string;
  /** Upper-case hex, as `openssl x509 -serial` prints it. */
  serial: string;
  /** SHA-256 of the DER, colon-separated upper-case hex, as `openssl x509 -fingerprint -sha256`. */
  sha256Fingerprint: string;
  /** ISO 8601 UTC. */
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter, rounded down; negative once expired. */
  daysLeft: number;
  isCA: boolean;
  /** BasicConstraints pathLenConstraint; null when absent (unlimited, or not a CA). */
  pathLen: number | null;
  /** `ECDSA-P256`, `RSA-2048`, ... for what mesh-security generates; e.g. `EC-secp521r1` or `ed25519` otherwise. */
  keyAlgorithm: string;
  selfSigned: boolean;
}

const DAY_MS = 86_400_000;

/** Describe a PEM certificate (the first one, if several); throws on anything that is not one. */
export function describeCertificate(pem: string, now: Date): CertificateInfo {
  const x509 = loadX509();
  const node = new X509Certificate(pem);
  // node:crypto has no pathLen and prints names in its legacy multi-line form; @peculiar/x509 has both.
  const parsed = new x509.X509Certificate(node.raw);
  const constraints = parsed.getExtension(x509.BasicConstraintsExtension);
  const notBefore = parsed.notBefore;
  const notAfter = parsed.notAfter;
  return {
    subject: formatDistinguishedName(parsed.subjectName.toJSON()),
    issuer: formatDistinguishedName(parsed.issuerName.toJSON()),
    serial: node.serialNumber.toUpperCase(),
    sha256Fingerprint: node.fingerprint256,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    isCA: node.ca,
    pathLen: constraints?.ca && constraints.pathLength !== undefined ? constraints.pathLength : null,
    keyAlgorithm: describeKey(node.publicKey),
    selfSigned: node.checkIssued(node) && node.verify(node.publicKey),
  };
}

/** The policy's name for a key (`ECDSA-P384`, `RSA-3072`), or a descriptive one for other keys. */
export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") return `RSA-${details.modulusLength ?? "?"}`;
  if (key.asymmetricKeyType === "ec") {
    const curve = details.namedCurve ?? "?";
    // OpenSSL's names for the NIST curves (RFC 5480 2.1.1.1).
    if (curve === "prime256v1") return "ECDSA-P256";
    if (curve === "secp384r1") return "ECDSA-P384";
    return `EC-${curve}`;
  }
  return key.asymmetricKeyType ?? "unknown";
}
