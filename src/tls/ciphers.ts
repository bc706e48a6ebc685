/**
 * The one cipher suite table, keyed by IANA name (IANA "TLS Cipher Suites" registry).
 *
 * Per suite: the OpenSSL/BoringSSL name that Envoy and Istio meshConfig take (OpenSSL ciphers(1)
 * mapping; the same pairs Mozilla's guidelines JSON lists under `ciphers.iana` / `ciphers.openssl`),
 * and the Go crypto/tls constant name that Maistra's ServiceMeshControlPlane takes
 * (go/src/crypto/tls/cipher_suites.go: CipherSuites() and InsecureCipherSuites()). Go has no DHE
 * suites, no AES-256-CBC-SHA384 and no TLS_RSA_WITH_AES_256_CBC_SHA256; `go` is absent for those.
 * Go names its ChaCha20 suites TLS_ECDHE_*_WITH_CHACHA20_POLY1305_SHA256 (the short names without
 * _SHA256 are legacy aliases), so the Go name equals the IANA name wherever Go has the suite.
 *
 * Coverage: every suite of Mozilla Server Side TLS 5.8 (modern, intermediate, old), the 19 suites
 * the OpenShift Service Mesh docs list for the SMCP, the three TLS 1.3 suites, and the DHE suites
 * of Mozilla 5.7 and earlier (so a policy copied from an older profile is told "not supported by
 * the mesh" rather than "unknown").
 */
export interface CipherSuite {
  iana: string;
  /** OpenSSL/BoringSSL name (Envoy, Istio meshConfig). TLS 1.3 suites keep their IANA names. */
  openssl: string;
  /** Go crypto/tls constant name (Maistra), when Go implements the suite. */
  go?: string;
  /** A TLS 1.3 suite: never configurable on a mesh target (always enabled with TLS 1.3). */
  tls13: boolean;
  /** CBC-mode record protection (Lucky13-class padding-oracle risk). */
  cbc: boolean;
  /** Triple-DES (64-bit block, Sweet32). */
  tripleDes: boolean;
  /**
   * One of the two suites the ServiceMeshControlPlane docs require in every cipher list for HTTP/2
   * ("Configuring cipher suites and ECDH curves"); RFC 7540 section 9.2.2 makes
   * TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 mandatory for HTTP/2 over TLS 1.2.
   */
  http2Capable: boolean;
  /** Ephemeral key exchange (ECDHE, DHE, or any TLS 1.3 suite). */
  forwardSecret: boolean;
}

// IANA name → [OpenSSL name, Go name or null]. Grouped as in the IANA registry, not by preference.
const TABLE = {
  // TLS 1.3 (RFC 8446 appendix B.4)
  TLS_AES_128_GCM_SHA256: ["TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"],
  TLS_AES_256_GCM_SHA384: ["TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"],
  TLS_CHACHA20_POLY1305_SHA256: ["TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"],
  // ECDHE with AEAD
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: ["ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: ["ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: ["ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: ["ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: ["ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"],
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: ["ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
  // ECDHE with CBC
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: ["ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"],
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: ["ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"],
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: ["ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"],
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: ["ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"],
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384: ["ECDHE-ECDSA-AES256-SHA384", null],
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384: ["ECDHE-RSA-AES256-SHA384", null],
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: ["ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"],
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: ["ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"],
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: ["ECDHE-RSA-DES-CBC3-SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"],
  // RSA key exchange (no forward secrecy)
  TLS_RSA_WITH_AES_128_GCM_SHA256: ["AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"],
  TLS_RSA_WITH_AES_256_GCM_SHA384: ["AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"],
  TLS_RSA_WITH_AES_128_CBC_SHA256: ["AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"],
  TLS_RSA_WITH_AES_256_CBC_SHA256: ["AES256-SHA256", null],
  TLS_RSA_WITH_AES_128_CBC_SHA: ["AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"],
  TLS_RSA_WITH_AES_256_CBC_SHA: ["AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"],
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: ["DES-CBC3-SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"],
  // DHE (Mozilla 5.7 and earlier; removed from every profile in 5.8)
  TLS_DHE_RSA_WITH_AES_128_GCM_SHA256: ["DHE-RSA-AES128-GCM-SHA256", null],
  TLS_DHE_RSA_WITH_AES_256_GCM_SHA384: ["DHE-RSA-AES256-GCM-SHA384", null],
  TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256: ["DHE-RSA-CHACHA20-POLY1305", null],
  TLS_DHE_RSA_WITH_AES_128_CBC_SHA256: ["DHE-RSA-AES128-SHA256", null],
  TLS_DHE_RSA_WITH_AES_256_CBC_SHA256: ["DHE-RSA-AES256-SHA256", null],
} as const satisfies Record<string, readonly [string, string | null]>;

/** An IANA cipher suite name the compiler knows. */
export type CipherSuiteName = keyof typeof TABLE;

const HTTP2_REQUIRED: readonly string[] = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"];

function describe(iana: string, openssl: string, go: string | null): CipherSuite {
  const tls13 = !iana.includes("_WITH_");
  return {
    iana,
    openssl,
    ...(go ? { go } : {}),
    tls13,
    cbc: iana.includes("_CBC_"),
    tripleDes: iana.includes("_3DES_"),
    http2Capable: HTTP2_REQUIRED.includes(iana),
    forwardSecret: tls13 || iana.startsWith("TLS_ECDHE_") || iana.startsWith("TLS_DHE_"),
  };
}

/** Every known suite by IANA name. */
export const CIPHER_SUITES: Readonly<Record<CipherSuiteName, CipherSuite>> = Object.fromEntries(
  Object.entries(TABLE).map(([iana, [openssl, go]]) => [iana, describe(iana, openssl, go)]),
) as Record<CipherSuiteName, CipherSuite>;

/** The same suites, looked up by IANA name from untyped input. */
export const BY_IANA: ReadonlyMap<string, CipherSuite> = new Map(Object.values(CIPHER_SUITES).map((s) => [s.iana, s]));

/** The same suites, looked up by OpenSSL name (to recognise an OpenSSL name written instead of IANA). */
export const BY_OPENSSL: ReadonlyMap<string, CipherSuite> = new Map(Object.values(CIPHER_SUITES).filter((s) => !s.tls13).map((s) => [s.openssl, s]));

/** The suites HTTP/2 needs one of, as the SMCP docs state it. */
export const HTTP2_SUITES: readonly string[] = Object.values(CIPHER_SUITES)
  .filter((s) => s.http2Capable)
  .map((s) => s.iana);
