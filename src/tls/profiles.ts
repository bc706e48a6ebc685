import type { Curve, TlsVersion } from "../model/policy-input.js";

/**
 * Mozilla Server Side TLS, guidelines version 5.8 (https://ssl-config.mozilla.org/guidelines/5.8.json),
 * the version OpenShift's TLSSecurityProfile (openshift/api config/v1 types_tlssecurityprofile.go)
 * follows; 6.0 dropped "old". Ciphers in Mozilla's order, as IANA names; TLS 1.3 suites apart.
 */
export const MOZILLA_GUIDELINES_VERSION = "5.8";

export interface Profile {
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** TLS 1.2-and-below suites. */
  cipherSuites: readonly string[];
  curves: readonly Curve[];
}

const CURVES: readonly Curve[] = ["X25519", "CurveP256", "CurveP384"];
const INTERMEDIATE = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
];

export const PROFILES: Readonly<Record<"modern" | "intermediate" | "old", Profile>> = {
  modern: { minVersion: "TLSv1_3", maxVersion: "TLSv1_3", cipherSuites: [], curves: CURVES },
  intermediate: { minVersion: "TLSv1_2", maxVersion: "TLSv1_3", cipherSuites: INTERMEDIATE, curves: CURVES },
  old: {
    minVersion: "TLSv1_0",
    maxVersion: "TLSv1_3",
    cipherSuites: [
      ...INTERMEDIATE,
      "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
      "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
      "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
      "TLS_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_RSA_WITH_AES_128_CBC_SHA256",
      "TLS_RSA_WITH_AES_256_CBC_SHA256",
      "TLS_RSA_WITH_AES_128_CBC_SHA",
      "TLS_RSA_WITH_AES_256_CBC_SHA",
      "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    ],
    curves: CURVES,
  },
};
