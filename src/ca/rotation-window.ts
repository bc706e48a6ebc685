import type { KeyAlgorithm } from "../model/policy-input.js";
import type { CertificateInfo } from "./inspect.js";

/**
 * True once a CA is in the last half of its validity and due for rotation. This is the OpenShift
 * Service CA's practice: its signing CA is valid for 26 months and rotated when fewer than 13 are
 * left (OpenShift docs, "Securing service traffic using service serving certificate secrets").
 */
export function withinRotationWindow(info: Pick<CertificateInfo, "daysLeft">, validityDays: number): boolean {
  return info.daysLeft < validityDays / 2;
}

// NIST SP 800-57 Part 1 Rev. 5, Table 2 (comparable strengths); RSA-4096 is not in the table and
// is rated by the usual GNFS estimate (about 152 bits).
const STRENGTH_BITS: Readonly<Record<string, number>> = {
  "ECDSA-P256": 128,
  "ECDSA-P384": 192,
  "EC-secp521r1": 256,
  "RSA-1024": 80,
  "RSA-2048": 112,
  "RSA-3072": 128,
  "RSA-4096": 152,
  "RSA-7680": 192,
  "RSA-15360": 256,
  ed25519: 128,
  ed448: 224,
};

/** Security strength in bits of a key algorithm as `describeCertificate` names it; undefined if unknown. */
export function keyStrengthBits(algorithm: KeyAlgorithm): number;
export function keyStrengthBits(algorithm: string): number | undefined;
export function keyStrengthBits(algorithm: string): number | undefined {
  return STRENGTH_BITS[algorithm];
}
