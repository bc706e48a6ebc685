import { constants, createCipheriv, createHash, createHmac, hkdfSync, publicEncrypt, randomBytes, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { SealedSecretsSettings } from "../model/policy-input.js";

// The sealed-secrets format, as the controller reads it (bitnami-labs/sealed-secrets):
// - pkg/crypto/crypto.go `HybridEncrypt`: a random 32-byte session key; the session key under
//   RSA-OAEP with SHA-256 and the label; the output is a 2-byte big-endian length of the RSA
//   ciphertext, the RSA ciphertext, then AES-256-GCM of the plaintext with a zero nonce ("SessionKey
//   is only used once, so zero nonce is ok") and no additional data (the 16-byte tag appended).
// - pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go `EncryptionLabel`: the label is
//   `namespace/name` for strict, `namespace` for namespace-wide, empty for cluster-wide. `Unseal`
//   derives it from the SealedSecret's own metadata (`labelFor(smeta)`), and `SecretScope` reads the
//   scope from its annotations, so they must be on the SealedSecret itself; `NewSealedSecret` also
//   copies the Secret's metadata (with the same annotations) into `spec.template.metadata` and
//   encrypts each value of `data` on its own into `spec.encryptedData` (base64, standard alphabet).
// - pkg/apis/sealedsecrets/v1alpha1/types.go: `sealedsecrets.bitnami.com/namespace-wide` and
//   `sealedsecrets.bitnami.com/cluster-wide`, set to "true" (`UpdateScopeAnnotations`).

const SESSION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;

/** The scope annotations the controller reads, by scope. */
export const SCOPE_ANNOTATIONS: Readonly<Record<SealedSecretsSettings["scope"], Record<string, string>>> = {
  strict: {},
  "namespace-wide": { "sealedsecrets.bitnami.com/namespace-wide": "true" },
  "cluster-wide": { "sealedsecrets.bitnami.com/cluster-wide": "true" },
};

/** Where mesh-security records what a SealedSecret was sealed from (see `sealingDigest`). */
export const DIGEST_ANNOTATION = "mesh-security/sealed-from";

/**
 * Public: which controller certificate and scope a SealedSecret was sealed for, so that a checkout
 * without the CA keys (which cannot recompute the digest) still notices a SealedSecret sealed for
 * another certificate or scope.
 */
export const SEALED_FOR_ANNOTATION = "mesh-security/sealed-for";

/** The `sealed-for` value: the scope and the SHA-256 of the certificate's DER. */
export function sealedFor(certificate: SealingCertificate, scope: SealedSecretsSettings["scope"]): string {
  return `${scope} sha256:${createHash("sha256").update(certificate.der).digest("hex")}`;
}

/** The controller's certificate, parsed. */
export interface SealingCertificate {
  publicKey: KeyObject;
  /** DER of the certificate, part of the digest: a new controller key means a re-seal. */
  der: Buffer;
  notAfter: Date;
}

/** Parse the controller's certificate; a string says why it cannot be used. */
export function parseSealingCertificate(pem: string): SealingCertificate | string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return "is not a PEM certificate";
  }
  if (cert.publicKey.asymmetricKeyType !== "rsa") return `holds a ${cert.publicKey.asymmetricKeyType ?? "non-RSA"} key; sealed-secrets encrypts with RSA-OAEP`;
  return { publicKey: cert.publicKey, der: cert.raw, notAfter: new Date(cert.validTo) };
}

/** The RSA-OAEP label for a scope (`EncryptionLabel`). */
export function encryptionLabel(namespace: string, name: string, scope: SealedSecretsSettings["scope"]): Buffer {
  if (scope === "cluster-wide") return Buffer.alloc(0);
  if (scope === "namespace-wide") return Buffer.from(namespace, "utf8");
  return Buffer.from(`${namespace}/${name}`, "utf8");
}

/** `HybridEncrypt`: length prefix ‖ RSA-OAEP(SHA-256, label)(session key) ‖ AES-256-GCM(zero nonce)(plaintext) ‖ tag. */
export function hybridEncrypt(publicKey: KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsa = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: label }, sessionKey);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(rsa.length);
  const cipher = createCipheriv("aes-256-gcm", sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([prefix, rsa, body]);
}

/** A Secret as the templates render it: `data` values base64. */
export interface PlainSecret {
  name: string;
  namespace: string;
  type: string;
  data: Readonly<Record<string, string>>;
}

/**
 * What a SealedSecret was sealed from, recorded in the output so that an unchanged Secret keeps its
 * ciphertext (sealing is randomised; re-sealing every compile would change the bytes every time).
 *
 * HMAC-SHA-256 over the name, namespace, scope, type, the controller certificate and every value,
 * keyed with HKDF-SHA-256 of the Secret's private keys. Why this is safe to commit:
 * - without the key the tag is a pseudo-random function of its input: it tells nothing about the
 *   plaintext, and nobody without the CA key can forge one;
 * - confirming a guess of the CA key through the tag is possible, but no easier than through the
 *   public key in the committed certificate, which already lets anyone test a guessed private key;
 *   the tag therefore adds no new test, and the guess space is the key's (128 bits or more);
 * - a plain unkeyed hash would let anyone test guesses of every value separately, which is harmless
 *   for certificates but would not be for a low-entropy value: hence the key, and the rule that only
 *   Secrets holding a private key are sealed here (this function refuses others).
 */
export function sealingDigest(secret: PlainSecret, certificate: SealingCertificate, scope: SealedSecretsSettings["scope"]): string {
  const keys = Object.keys(secret.data).sort();
  const values = keys.map((k) => Buffer.from(secret.data[k] ?? "", "base64"));
  const privateKeys = values.filter((v) => /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(v.toString("latin1")));
  if (privateKeys.length === 0) throw new Error(`Secret ${secret.namespace}/${secret.name} holds no private key; only key Secrets are sealed`);
  const key = Buffer.from(hkdfSync("sha256", Buffer.concat(privateKeys), Buffer.from("mesh-security/sealed-from/v1"), Buffer.alloc(0), 32));
  const hmac = createHmac("sha256", key);
  const field = (b: Buffer): void => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    hmac.update(length).update(b);
  };
  for (const text of [secret.namespace, secret.name, scope, secret.type]) field(Buffer.from(text, "utf8"));
  field(certificate.der);
  keys.forEach((k, i) => {
    field(Buffer.from(k, "utf8"));
    field(values[i] ?? Buffer.alloc(0));
  });
  return `v1:${hmac.digest("hex")}`;
}

/**
 * The SealedSecret for a Secret. `previous` is last compile's SealedSecret of the same name: when it
 * was sealed from the same digest, its ciphertext is kept byte for byte; otherwise every value is
 * sealed anew.
 */
export function sealSecret(
  secret: PlainSecret,
  certificate: SealingCertificate,
  scope: SealedSecretsSettings["scope"],
  templateLabels: Readonly<Record<string, string>>,
  previous: Record<string, unknown> | undefined,
): { object: Record<string, unknown>; resealed: boolean } {
  const digest = sealingDigest(secret, certificate, scope);
  const kept = keptCiphertext(previous, digest, Object.keys(secret.data));
  let encryptedData: Record<string, string>;
  if (kept) encryptedData = kept;
  else {
    const label = encryptionLabel(secret.namespace, secret.name, scope);
    encryptedData = {};
    for (const key of Object.keys(secret.data).sort()) {
      encryptedData[key] = hybridEncrypt(certificate.publicKey, Buffer.from(secret.data[key] ?? "", "base64"), label).toString("base64");
    }
  }
  const annotations = SCOPE_ANNOTATIONS[scope];
  return {
    resealed: kept === undefined,
    object: {
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: secret.name, namespace: secret.namespace, annotations: { ...annotations, [DIGEST_ANNOTATION]: digest, [SEALED_FOR_ANNOTATION]: sealedFor(certificate, scope) } },
      spec: {
        encryptedData,
        template: {
          metadata: { name: secret.name, namespace: secret.namespace, labels: { ...templateLabels }, ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}) },
          type: secret.type,
        },
      },
    },
  };
}

function keptCiphertext(previous: Record<string, unknown> | undefined, digest: string, keys: readonly string[]): Record<string, string> | undefined {
  const metadata = previous?.["metadata"] as { annotations?: Record<string, unknown> } | undefined;
  if (metadata?.annotations?.[DIGEST_ANNOTATION] !== digest) return undefined;
  const data = (previous?.["spec"] as { encryptedData?: Record<string, unknown> } | undefined)?.encryptedData;
  if (!data || Object.keys(data).sort().join("\n") !== [...keys].sort().join("\n")) return undefined;
  if (!Object.values(data).every((v) => typeof v === "string")) return undefined;
  return { ...(data as Record<string, string>) };
}
