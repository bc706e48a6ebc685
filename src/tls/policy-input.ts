/**
 * The TLS section of the policy as normalize hands it on, and the one list of the TLS versions and
 * ECDH curves a policy may name (the schema's enums, schemas/mesh-security.schema.json). The model
 * uses these types; tls/ reads nothing else of the model, so the two folders do not import each other.
 */

/** Every TLS version a policy may name, oldest first: the order `minVersion <= maxVersion` uses. */
export const TLS_VERSIONS = ["TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/** Every ECDH curve a policy may name. */
export const CURVES = ["CurveP256", "CurveP384", "CurveP521", "X25519", "X25519MLKEM768"] as const;
export type Curve = (typeof CURVES)[number];

export interface TlsPolicyInput {
  profile: "modern" | "intermediate" | "old" | "custom";
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  cipherSuites?: readonly string[];
  ecdhCurves?: readonly Curve[];
}
