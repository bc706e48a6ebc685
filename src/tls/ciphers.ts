/**
 * Cipher suites by IANA name, with the OpenSSL/BoringSSL name Envoy expects (IANA TLS Cipher Suites
 * registry; OpenSSL ciphers(1) "TLS v1.2 cipher suites" mapping). Go's crypto/tls constants, which
 * Maistra reads, use the IANA names.
 */
export interface CipherSuite {
  iana: string;
  openssl: string;
  tls13: boolean;
  cbc: boolean;
  tripleDes: boolean;
  forwardSecret: boolean;
}

const suite = (iana: string, openssl: string): CipherSuite => ({
  iana,
  openssl,
  tls13: !iana.includes("_WITH_"),
  cbc: iana.includes("_CBC_"),
  tripleDes: iana.includes("3DES"),
  forwardSecret: !iana.includes("_WITH_") || iana.startsWith("TLS_ECDHE_") || iana.startsWith("TLS_DHE_"),
});

export const CIPHER_SUITES: readonly CipherSuite[] = [
  suite("TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"),
  suite("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"),
  suite("TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"),
  suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"),
  suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"),
  suite("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"),
  suite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"),
  suite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"),
  suite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"),
  suite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256"),
  suite("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"),
  suite("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305"),
  suite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"),
  suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"),
  suite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"),
  suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"),
  suite("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384"),
  suite("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384"),
  suite("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"),
  suite("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"),
  suite("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256"),
  suite("TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256"),
  suite("TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"),
  suite("TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"),
  suite("TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"),
  suite("TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256"),
  suite("TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"),
  suite("TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"),
  suite("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"),
  suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"),
];

export const BY_IANA: ReadonlyMap<string, CipherSuite> = new Map(CIPHER_SUITES.map((s) => [s.iana, s]));
export const BY_OPENSSL: ReadonlyMap<string, CipherSuite> = new Map(CIPHER_SUITES.map((s) => [s.openssl, s]));

/**
 * HTTP/2 needs one of these (RFC 7540 §9.2.2 requires TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; the
 * Service Mesh docs ask for it or its ECDSA twin in every cipher list).
 */
export const HTTP2_SUITES: readonly string[] = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"];
