import { X509Certificate } from "node:crypto";
import type { CertificateInfo } from "./inspect.js";

const DAY_MS = 86_400_000;

/**
 * The validity fields of `describeCertificate`, read with node:crypto alone: the rotation-window rule
 * runs on every compile and validate, and @peculiar/x509 (about 200 modules) is not worth loading for
 * two dates. Node prints the ASN.1 times as OpenSSL does (`Dec  1 19:29:23 2026 GMT`, whole seconds).
 */
export function certificateValidity(pem: string, now: Date): Pick<CertificateInfo, "notBefore" | "notAfter" | "daysLeft"> {
  const certificate = new X509Certificate(pem);
  const notBefore = new Date(Date.parse(certificate.validFrom));
  const notAfter = new Date(Date.parse(certificate.validTo));
  return {
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
  };
}
