import type { Curve, TlsVersion } from "./policy-input.js";
import type { CipherSuiteName } from "./ciphers.js";

/**
 * The pinned guidelines: Mozilla Server Side TLS 5.8 (https://ssl-config.mozilla.org/guidelines/5.8.json,
 * released as mozilla/ssl-config-generator v5.8). OpenShift's TLSSecurityProfile follows this version
 * (openshift/api config/v1/types_tlssecurityprofile.go, `TLSProfiles`: "based on version 5.8 of the
 * Mozilla Server Side TLS configuration guidelines"); 6.0 dropped the "old" configuration.
 * 5.8 removed every DHE suite from intermediate and old, and added X25519MLKEM768 to the groups.
 */
export const MOZILLA_GUIDELINES_VERSION = "5.8";

/** How `explain` and the resolved model name the guidelines. */
export const MOZILLA_GUIDELINES = `Mozilla Server Side TLS ${MOZILLA_GUIDELINES_VERSION}` as const;

export type ProfileName = "modern" | "intermediate" | "old";

/** One Mozilla configuration, in the policy's vocabulary. */
export interface Profile {
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  /** Mozilla's `ciphersuites`: always on with TLS 1.3, never configurable on a mesh target. */
  tls13Suites: readonly CipherSuiteName[];
  /** Mozilla's `ciphers.iana`, TLS 1.2 and below, in Mozilla's order. */
  cipherSuites: readonly CipherSuiteName[];
  /** Mozilla's `tls_curves` that the policy can name, in Mozilla's order. */
  curves: readonly Curve[];
  /** Mozilla's `tls_curves` as Mozilla writes them, including groups the policy has no name for. */
  mozillaCurves: readonly string[];
}

const TLS13: readonly CipherSuiteName[] = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"];

// Mozilla 5.8 tls_curves for all three configurations: X25519MLKEM768, X25519, prime256v1, secp384r1
// (OpenShift: X25519MLKEM768, X25519, secp256r1, secp384r1). The policy names curves as Go does
// (X25519MLKEM768, X25519, CurveP256, CurveP384). The post-quantum hybrid stays in the profile: an explicit curve list replaces Envoy's defaults (envoy source/common/tls
// context_config_impl.cc `DEFAULT_CURVES` = "X25519:P-256", client and server), so leaving it out would
// silently drop the group Mozilla lists first, while Istio accepts it (pkg/config/security `ValidECDHCurves`).
// The profile's list is not Envoy's default, so leaving the field unset would not give the profile either.
// Maistra's documented curves lack it: the intersection drops it there (shown in `explain`).
const MOZILLA_CURVES: readonly string[] = ["X25519MLKEM768", "X25519", "prime256v1", "secp384r1"];
const MOZILLA_TO_POLICY: Readonly<Record<string, Curve>> = { X25519MLKEM768: "X25519MLKEM768", X25519: "X25519", prime256v1: "CurveP256", secp384r1: "CurveP384", secp521r1: "CurveP521" };
const CURVES: readonly Curve[] = MOZILLA_CURVES.flatMap((c) => (MOZILLA_TO_POLICY[c] ? [MOZILLA_TO_POLICY[c]] : []));

// 5.8 intermediate: ECDHE with AEAD only (DHE removed).
const INTERMEDIATE: readonly CipherSuiteName[] = [
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
];

// 5.8 old: intermediate, then ECDHE CBC, then RSA key exchange, then 3DES (DHE removed).
const OLD: readonly CipherSuiteName[] = [
  ...INTERMEDIATE,
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_RSA_WITH_AES_256_CBC_SHA256",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
];

/** The three Mozilla 5.8 configurations (tls_versions: modern 1.3; intermediate 1.2-1.3; old 1.0-1.3). */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  modern: { minVersion: "TLSv1_3", maxVersion: "TLSv1_3", tls13Suites: TLS13, cipherSuites: [], curves: CURVES, mozillaCurves: MOZILLA_CURVES },
  intermediate: { minVersion: "TLSv1_2", maxVersion: "TLSv1_3", tls13Suites: TLS13, cipherSuites: INTERMEDIATE, curves: CURVES, mozillaCurves: MOZILLA_CURVES },
  old: { minVersion: "TLSv1_0", maxVersion: "TLSv1_3", tls13Suites: TLS13, cipherSuites: OLD, curves: CURVES, mozillaCurves: MOZILLA_CURVES },
};
