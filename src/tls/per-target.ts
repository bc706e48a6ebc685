import { CURVES, TLS_VERSIONS } from "./policy-input.js";
import type { Curve, TlsVersion } from "./policy-input.js";
import { BY_IANA, BY_OPENSSL } from "./ciphers.js";

/** A mesh flavor that takes TLS settings. */
export type TargetFlavor = "maistra-v1" | "maistra-v2" | "sail";

/** Every flavor, in a stable order. */
export const TARGET_FLAVORS: readonly TargetFlavor[] = ["maistra-v1", "maistra-v2", "sail"];

/** What a mesh target accepts, and how it spells it. Sets of policy names are derived from the target's own vocabulary. */
export interface TargetTls {
  flavor: TargetFlavor;
  /** Versions the target can take as minimum. */
  minVersions: readonly TlsVersion[];
  /** Versions the target can take as maximum; with `maxVersionSettable` false, the one version it always uses. */
  maxVersions: readonly TlsVersion[];
  maxVersionSettable: boolean;
  /** Supported TLS 1.2-and-below suites, IANA names. */
  cipherSuites: ReadonlySet<string>;
  /** Supported curves, policy names. */
  curves: ReadonlySet<Curve>;
  /** Do the curves reach mesh (ISTIO_MUTUAL) traffic, or only other TLS? */
  curvesApplyToMeshMtls: boolean;
  /** How the target's resource takes the suite and curve lists; formatting is the mesh target's job. */
  listFormat: "comma-separated" | "list";
  /** The target's own vocabulary, as its API or docs write it (what may ever be written to it). */
  vocabulary: { versions: ReadonlySet<string>; cipherSuites: ReadonlySet<string>; curves: ReadonlySet<string> };
  versionName(v: TlsVersion): string;
  cipherName(iana: string): string;
  curveName(c: Curve): string;
}

const ALL_VERSIONS: readonly TlsVersion[] = TLS_VERSIONS;
const ALL_CURVES: readonly Curve[] = CURVES;

// --- Maistra (OpenShift Service Mesh 1.x/2.x) ----------------------------------------------------
// OpenShift Service Mesh docs, "Configuring cipher suites and ECDH curves" / "Setting the minimum and
// maximum protocol versions": minProtocolVersion / maxProtocolVersion take TLS_AUTO, TLSv1_0, TLSv1_1,
// TLSv1_2, TLSv1_3; these 19 suites (exactly Go crypto/tls's non-RC4 TLS 1.0-1.2 suites) and these 4
// curves (Go's tls.CurveID names). SMCP v1 (`spec.istio.global.tls`) takes suites and curves as
// comma-separated strings; v2 (`spec.security.controlPlane.tls`, maistra.io/v2 CRD) as string arrays.
// Maistra silently drops unknown suites and turns unknown versions into TLS_AUTO, so only these are written.
const MAISTRA_VERSIONS = ["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"];
const MAISTRA_SUITES = [
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
];
const MAISTRA_CURVES = ["CurveP256", "CurveP384", "CurveP521", "X25519"];

// --- Sail (OpenShift Service Mesh 3 / upstream Istio), Istio meshConfig ---------------------------
// sailoperator.io/v1 Istio CRD, spec.values.meshConfig.{meshMTLS,tlsDefaults}.minProtocolVersion:
// enum TLS_AUTO | TLSV1_2 | TLSV1_3, no maximum field ("the maximum TLS protocol version is TLS 1.3").
// Suites: Istio's pkg/config/security/security.go ValidCipherSuites (`bssl ciphers -openssl-name ALL`
// without PSK); Istio drops any other name before it reaches Envoy (FilterCipherSuites). BoringSSL has
// no DHE and no ECDHE 3DES; it still has DES-CBC3-SHA, which Istio accepts. Curves: Istio's
// ValidECDHCurves (BoringSSL ssl_key_share.cc names). meshMTLS takes no curves: "Mesh mTLS does not
// respect ECDH curves" (CRD) and Istio's ValidateMeshTLSConfig rejects meshMTLS.ecdhCurves; only
// tlsDefaults (non-ISTIO_MUTUAL traffic) takes them.
const ISTIO_VERSIONS = ["TLS_AUTO", "TLSV1_2", "TLSV1_3"];
const ISTIO_SUITES = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "ECDHE-ECDSA-AES128-SHA",
  "ECDHE-RSA-AES128-SHA",
  "ECDHE-ECDSA-AES256-SHA",
  "ECDHE-RSA-AES256-SHA",
  "AES128-GCM-SHA256",
  "AES256-GCM-SHA384",
  "AES128-SHA",
  "AES256-SHA",
  "DES-CBC3-SHA",
];
const ISTIO_CURVES = ["P-224", "P-256", "P-521", "P-384", "X25519", "X25519Kyber768Draft00", "X25519MLKEM768"];
// X25519MLKEM768 is Go's name (crypto/tls CurveID, Go 1.24) and BoringSSL's/Istio's alike. Maistra's
// documented curves lack it, so it is dropped there (or MS2205 when the policy names it).
const ENVOY_CURVE: Readonly<Record<Curve, string>> = { X25519: "X25519", CurveP256: "P-256", CurveP384: "P-384", CurveP521: "P-521", X25519MLKEM768: "X25519MLKEM768" };

function opensslToIana(name: string): string {
  const suite = BY_OPENSSL.get(name);
  if (!suite) throw new Error(`internal: ${name} is not in the cipher table`);
  return suite.iana;
}

const maistraName = (v: TlsVersion): string => v;

function maistra(flavor: "maistra-v1" | "maistra-v2"): TargetTls {
  const vocabulary = { versions: new Set(MAISTRA_VERSIONS), cipherSuites: new Set(MAISTRA_SUITES), curves: new Set(MAISTRA_CURVES) };
  const versions = ALL_VERSIONS.filter((v) => vocabulary.versions.has(maistraName(v)));
  return {
    flavor,
    minVersions: versions,
    maxVersions: versions,
    maxVersionSettable: true,
    cipherSuites: new Set(MAISTRA_SUITES.filter((s) => BY_IANA.has(s))),
    curves: new Set(ALL_CURVES.filter((c) => vocabulary.curves.has(c))),
    curvesApplyToMeshMtls: true,
    listFormat: flavor === "maistra-v1" ? "comma-separated" : "list",
    vocabulary,
    versionName: maistraName,
    // Go/IANA names: Maistra reads them with Go's crypto/tls names.
    cipherName: (iana) => BY_IANA.get(iana)?.go ?? iana,
    curveName: (c) => c,
  };
}

const istioName = (v: TlsVersion): string => v.replace("TLSv", "TLSV");

function sail(): TargetTls {
  const vocabulary = { versions: new Set(ISTIO_VERSIONS), cipherSuites: new Set(ISTIO_SUITES), curves: new Set(ISTIO_CURVES) };
  return {
    flavor: "sail",
    minVersions: ALL_VERSIONS.filter((v) => vocabulary.versions.has(istioName(v))),
    maxVersions: ["TLSv1_3"],
    maxVersionSettable: false,
    cipherSuites: new Set(ISTIO_SUITES.map(opensslToIana)),
    curves: new Set(ALL_CURVES.filter((c) => vocabulary.curves.has(ENVOY_CURVE[c]))),
    curvesApplyToMeshMtls: false,
    listFormat: "list",
    vocabulary,
    versionName: istioName,
    cipherName: (iana) => BY_IANA.get(iana)?.openssl ?? iana,
    curveName: (c) => ENVOY_CURVE[c],
  };
}

/** Per flavor: what it accepts and how it spells it. */
export const TARGETS_TLS: Readonly<Record<TargetFlavor, TargetTls>> = {
  "maistra-v1": maistra("maistra-v1"),
  "maistra-v2": maistra("maistra-v2"),
  sail: sail(),
};
