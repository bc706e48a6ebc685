import type { Curve, TlsVersion } from "../model/policy-input.js";
import { BY_IANA } from "./ciphers.js";

export type TargetFlavor = "maistra-v1" | "maistra-v2" | "sail";

/** What a mesh target accepts, and how it spells it. */
export interface TargetTls {
  versions: readonly TlsVersion[];
  /** Can the maximum version be set at all? */
  maxVersion: boolean;
  cipherSuites: ReadonlySet<string>;
  curves: ReadonlySet<Curve>;
  version(v: TlsVersion): string;
  cipher(iana: string): string;
  curve(c: Curve): string;
}

// The suites the ServiceMeshControlPlane accepts (OpenShift Service Mesh docs, "Configuring cipher
// suites and ECDH curves"); anything else is silently dropped by Maistra, so the compiler refuses it.
const MAISTRA_SUITES = new Set([
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
]);

// Envoy's TLS stack is BoringSSL: no DHE, no SHA-256/384 CBC suites, no 3DES in its cipher list
// (Envoy api v3 extensions/transport_sockets/tls/v3/common.proto, TlsParameters.cipher_suites).
const ENVOY_SUITES = new Set([
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
]);

const ALL_CURVES = new Set<Curve>(["CurveP256", "CurveP384", "CurveP521", "X25519"]);
const ENVOY_CURVE: Record<Curve, string> = { X25519: "X25519", CurveP256: "P-256", CurveP384: "P-384", CurveP521: "P-521" };

const maistra: TargetTls = {
  // Maistra: TLS_AUTO, TLSv1_0 ... TLSv1_3 (spec.security.controlPlane.tls / spec.istio.global.tls).
  versions: ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"],
  maxVersion: true,
  cipherSuites: MAISTRA_SUITES,
  curves: ALL_CURVES,
  version: (v) => v,
  cipher: (iana) => iana,
  curve: (c) => c,
};

export const TARGETS_TLS: Readonly<Record<TargetFlavor, TargetTls>> = {
  "maistra-v1": maistra,
  "maistra-v2": maistra,
  // Istio meshConfig meshMTLS / tlsDefaults: minProtocolVersion TLS_AUTO | TLSV1_2 | TLSV1_3 only,
  // no maximum (sailoperator.io/v1 Istio CRD); OpenSSL cipher names; curves as P-256 etc.
  sail: {
    versions: ["TLSv1_2", "TLSv1_3"],
    maxVersion: false,
    cipherSuites: ENVOY_SUITES,
    curves: ALL_CURVES,
    version: (v) => v.replace("TLSv", "TLSV"),
    cipher: (iana) => BY_IANA.get(iana)?.openssl ?? iana,
    curve: (c) => ENVOY_CURVE[c],
  },
};
