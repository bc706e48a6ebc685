import { X509Certificate } from "node:crypto";
import { isObject } from "./manifests.js";
import { field, str } from "./object-index.js";
import type { KubeObject, ObjectIndex } from "./object-index.js";

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** SHA-256 fingerprints of the certificates in a PEM text (unparseable blocks are skipped). */
export function pemFingerprints(text: string | undefined): string[] {
  const out: string[] = [];
  for (const block of text?.match(BLOCK) ?? []) {
    try {
      out.push(new X509Certificate(block).fingerprint256);
    } catch {
      // not a certificate verify can read: it is simply not counted
    }
  }
  return out;
}

/** A key of a Secret read whole, decoded (data is base64, stringData plain); undefined when absent. */
export function secretValue(secret: KubeObject | undefined, key: string): string | undefined {
  if (!secret || secret.partial) return undefined;
  const plain = str(secret.body, "stringData", key);
  if (plain !== undefined) return plain;
  const data = field(secret.body, "data");
  const encoded = isObject(data) ? data[key] : undefined;
  return typeof encoded === "string" ? Buffer.from(encoded, "base64").toString("utf8") : undefined;
}

/**
 * The certificates of a CA issuer's signing Secret, when it was read whole (`--secrets-dir`, or emitted): tls.crt (the
 * CA's chain) and ca.crt (its root). cert-manager pkg/util/kube/pki.go SecretTLSKeyPairAndCA reads both; a leaf it signs
 * chains to them, so a client trusting any of them accepts it (Go's x509 and OpenSSL with partial chains take any
 * certificate of the pool as an anchor; verify counts any as trust).
 */
export function caSecretFingerprints(index: ObjectIndex, namespace: string | undefined, name: string): string[] | undefined {
  const candidates = namespace !== undefined ? [index.get("/Secret", namespace, name)] : index.list("/Secret").filter((s) => s.name === name);
  const secret = candidates.find((s) => s && !s.partial);
  if (!secret) return undefined;
  const fps = [...pemFingerprints(secretValue(secret, "tls.crt")), ...pemFingerprints(secretValue(secret, "ca.crt"))];
  return fps.length > 0 ? fps : undefined;
}
