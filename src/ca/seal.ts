import { constants, createCipheriv, createHash, createHmac, createPrivateKey, hkdfSync, publicEncrypt, randomBytes, sign, verify, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { SealedSecretsSettings } from "../model/policy-input.js";
import { compareText } from "../util/compare.js";

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
  const keys = Object.keys(secret.data).sort(compareText);
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
 * Binds each ciphertext to what mesh-security sealed, so that a clone without private keys can tell a
 * SealedSecret it wrote from one whose `encryptedData` was replaced. Anyone can seal a value of their
 * choosing to the controller's public certificate (bitnami-labs/sealed-secrets pkg/crypto/crypto.go
 * `HybridEncrypt` takes only the public key; the controller's `Unseal` in
 * pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go accepts any ciphertext its key opens under
 * the scope's label), and the controller has no notion of who sealed: the binding must be ours.
 *
 * The compiler holds the authority's CA key whenever it seals (the key is part of the Secret it seals),
 * so it signs, with that key, the namespace, name, `sealed-for` (scope and controller certificate),
 * `sealed-from`, type, and for each data key the SHA-256 of its ciphertext and, for the public values
 * (certificates), of the plaintext. Verification needs only the CA certificate, which is committed
 * (`authorities/<name>/ca-cert.pem`, and in the Secret's own `tls.crt` / `ca-cert.pem`). A clone cannot
 * sign, so it cannot re-seal either: it keeps a SealedSecret only when the signature verifies.
 */
export const SIGNATURE_ANNOTATION = "mesh-security/sealed-signature";

/** In the key Secrets mesh-security seals: the data key holding the CA key, and the one holding its certificate. */
const SIGNER_KEYS: ReadonlyArray<readonly [key: string, certificate: string]> = [
  ["tls.key", "tls.crt"],
  ["ca-key.pem", "ca-cert.pem"],
];

/** The CA certificate a Secret's SealedSecret is signed with (the first certificate of `tls.crt` or `ca-cert.pem`). */
export function signerCertificate(data: Readonly<Record<string, string>>): X509Certificate | undefined {
  for (const [, certificate] of SIGNER_KEYS) {
    const pem = Buffer.from(data[certificate] ?? "", "base64").toString("utf8");
    const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    if (first) {
      try {
        return new X509Certificate(first);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** What is signed: length-prefixed fields, so that no two different inputs give the same bytes. */
function bindingPayload(binding: { namespace: string; name: string; sealedFor: string; sealedFrom: string; type: string }, encryptedData: Readonly<Record<string, string>>, plainData: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  const field = (b: Buffer): void => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    parts.push(length, b);
  };
  const sha = (b: Buffer): Buffer => createHash("sha256").update(b).digest();
  for (const text of ["mesh-security/sealed-signature/v1", binding.namespace, binding.name, binding.sealedFor, binding.sealedFrom, binding.type]) field(Buffer.from(text, "utf8"));
  const secretKeys = new Set(SIGNER_KEYS.map(([key]) => key));
  for (const key of Object.keys(encryptedData).sort(compareText)) {
    field(Buffer.from(key, "utf8"));
    field(sha(Buffer.from(encryptedData[key] ?? "", "base64")));
    field(secretKeys.has(key) ? Buffer.alloc(0) : sha(Buffer.from(plainData[key] ?? "", "base64")));
  }
  return Buffer.concat(parts);
}

/** `v1:<base64 signature>` by the Secret's CA key (SHA-256; PKCS#1 v1.5 for RSA, ECDSA for EC keys). */
function signBinding(secret: PlainSecret, payload: Buffer): string {
  const pair = SIGNER_KEYS.find(([key]) => secret.data[key] !== undefined);
  if (!pair) throw new Error(`Secret ${secret.namespace}/${secret.name} holds no CA key to sign its SealedSecret with`);
  const key = createPrivateKey(Buffer.from(secret.data[pair[0]] ?? "", "base64").toString("utf8"));
  return `v1:${sign("sha256", payload, key).toString("base64")}`;
}

/**
 * Whether `previous` (a SealedSecret read back from the output) carries a valid signature for the
 * Secret `planned` (public values as planned; the key value is not needed) by `certificate`.
 */
export function verifySealedSignature(previous: Record<string, unknown>, planned: { namespace: string; name: string; type: string; data: Readonly<Record<string, string>> }, certificate: X509Certificate | undefined): boolean {
  if (!certificate) return false;
  const annotations = ((previous["metadata"] as { annotations?: Record<string, unknown> } | undefined)?.annotations ?? {}) as Record<string, unknown>;
  const signature = annotations[SIGNATURE_ANNOTATION];
  const sealedForValue = annotations[SEALED_FOR_ANNOTATION];
  const sealedFrom = annotations[DIGEST_ANNOTATION];
  const data = (previous["spec"] as { encryptedData?: Record<string, unknown> } | undefined)?.encryptedData;
  if (typeof signature !== "string" || !signature.startsWith("v1:") || typeof sealedForValue !== "string" || typeof sealedFrom !== "string" || !data) return false;
  if (!Object.values(data).every((v) => typeof v === "string")) return false;
  if (Object.keys(data).sort(compareText).join("\n") !== Object.keys(planned.data).sort(compareText).join("\n")) return false;
  const payload = bindingPayload({ namespace: planned.namespace, name: planned.name, sealedFor: sealedForValue, sealedFrom, type: planned.type }, data as Record<string, string>, planned.data);
  try {
    return verify("sha256", payload, certificate.publicKey, Buffer.from(signature.slice(3), "base64"));
  } catch {
    return false;
  }
}

/** The scope a `sealed-for` value names, if it is one. */
export function scopeOfSealedFor(value: unknown): SealedSecretsSettings["scope"] | undefined {
  const scope = typeof value === "string" ? value.split(" ")[0] : undefined;
  return scope === "strict" || scope === "namespace-wide" || scope === "cluster-wide" ? scope : undefined;
}

/**
 * A SealedSecret object, built from its parts (also for a kept one: nothing of a previous object but
 * its ciphertext and annotations is carried over, so its template cannot be edited into something else).
 */
export function sealedSecretObject(secret: { name: string; namespace: string; type: string }, scope: SealedSecretsSettings["scope"], templateLabels: Readonly<Record<string, string>>, encryptedData: Readonly<Record<string, string>>, marks: { sealedFrom: string; sealedFor: string; signature: string }): Record<string, unknown> {
  const annotations = SCOPE_ANNOTATIONS[scope];
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: { name: secret.name, namespace: secret.namespace, annotations: { ...annotations, [DIGEST_ANNOTATION]: marks.sealedFrom, [SEALED_FOR_ANNOTATION]: marks.sealedFor, [SIGNATURE_ANNOTATION]: marks.signature } },
    spec: {
      encryptedData: { ...encryptedData },
      template: {
        metadata: { name: secret.name, namespace: secret.namespace, labels: { ...templateLabels }, ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}) },
        type: secret.type,
      },
    },
  };
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
): { object: Record<string, unknown>; resealed: boolean; tampered: boolean } {
  const digest = sealingDigest(secret, certificate, scope);
  const forValue = sealedFor(certificate, scope);
  const candidate = keptCiphertext(previous, digest, Object.keys(secret.data));
  // Kept only when its signature verifies too: the digest is copied along with swapped ciphertext.
  const verified = candidate !== undefined && previous !== undefined && (previous["metadata"] as { annotations?: Record<string, unknown> }).annotations?.[SEALED_FOR_ANNOTATION] === forValue && verifySealedSignature(previous, secret, signerCertificate(secret.data));
  let encryptedData: Record<string, string>;
  if (candidate && verified) encryptedData = candidate;
  else {
    const label = encryptionLabel(secret.namespace, secret.name, scope);
    encryptedData = {};
    for (const key of Object.keys(secret.data).sort(compareText)) {
      encryptedData[key] = hybridEncrypt(certificate.publicKey, Buffer.from(secret.data[key] ?? "", "base64"), label).toString("base64");
    }
  }
  const previousSignature = (previous?.["metadata"] as { annotations?: Record<string, unknown> } | undefined)?.annotations?.[SIGNATURE_ANNOTATION];
  const signature = candidate && verified ? String(previousSignature) : signBinding(secret, bindingPayload({ namespace: secret.namespace, name: secret.name, sealedFor: forValue, sealedFrom: digest, type: secret.type }, encryptedData, secret.data));
  return {
    resealed: !(candidate && verified),
    tampered: candidate !== undefined && !verified,
    object: sealedSecretObject(secret, scope, templateLabels, encryptedData, { sealedFrom: digest, sealedFor: forValue, signature }),
  };
}

function keptCiphertext(previous: Record<string, unknown> | undefined, digest: string, keys: readonly string[]): Record<string, string> | undefined {
  const metadata = previous?.["metadata"] as { annotations?: Record<string, unknown> } | undefined;
  if (metadata?.annotations?.[DIGEST_ANNOTATION] !== digest) return undefined;
  const data = (previous?.["spec"] as { encryptedData?: Record<string, unknown> } | undefined)?.encryptedData;
  if (!data || Object.keys(data).sort(compareText).join("\n") !== [...keys].sort(compareText).join("\n")) return undefined;
  if (!Object.values(data).every((v) => typeof v === "string")) return undefined;
  return { ...(data as Record<string, string>) };
}
