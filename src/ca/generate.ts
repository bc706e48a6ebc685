import { createPrivateKey, randomBytes } from "node:crypto";
import type { webcrypto } from "node:crypto";
import type { KeyAlgorithm } from "../model/policy-input.js";
import { loadX509, subtle } from "./crypto.js";
import { intermediateRdns, parseDistinguishedName, toJsonName } from "./dn.js";
import type { DnAttribute } from "./dn.js";

export type { KeyAlgorithm };

/** What to generate for one authority (the `authorities.<name>.generate` block, defaults applied). */
export interface AuthoritySpec {
  name: string;
  keyAlgorithm: KeyAlgorithm;
  /** RFC 4514 distinguished name of the root, e.g. `CN=shop internal root CA,O=Example`. */
  subject: string;
  validityDays: number;
  intermediate: boolean;
  intermediateValidityDays: number;
}

/** A certificate and its private key, both PEM (the key as unencrypted PKCS#8). */
export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

/** A root, and the intermediate it signed when one was asked for. */
export interface GeneratedAuthority {
  root: CertAndKey;
  intermediate?: CertAndKey;
}

const DAY_MS = 86_400_000;
// Backdate notBefore so that a peer whose clock runs a little behind accepts a fresh CA at once.
const CLOCK_SKEW_MS = 3_600_000;

type KeyParams = { generate: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams; sign: webcrypto.Algorithm & { hash?: string } };

/** WebCrypto parameters per algorithm: ECDSA hashes match the curve (RFC 5480 4), RSA is PKCS#1 v1.5 with SHA-256. */
export function keyParams(algorithm: KeyAlgorithm): KeyParams {
  switch (algorithm) {
    case "ECDSA-P256":
      return { generate: { name: "ECDSA", namedCurve: "P-256" }, sign: { name: "ECDSA", hash: "SHA-256" } };
    case "ECDSA-P384":
      return { generate: { name: "ECDSA", namedCurve: "P-384" }, sign: { name: "ECDSA", hash: "SHA-384" } };
    case "RSA-2048":
    case "RSA-3072":
    case "RSA-4096":
      return {
        generate: { name: "RSASSA-PKCS1-v1_5", modulusLength: Number(algorithm.slice(4)), publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
        sign: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      };
  }
}

/**
 * Make a root CA (and an intermediate signed by it) for `spec`, valid from an hour before `now`.
 * Throws on a spec that cannot be honoured (unparsable subject, non-positive validity); callers
 * report that as MS3005.
 */
export async function generateAuthority(spec: AuthoritySpec, now: Date): Promise<GeneratedAuthority> {
  const parsed = parseDistinguishedName(spec.subject);
  if ("problem" in parsed) throw new Error(`authority ${spec.name}: subject ${JSON.stringify(spec.subject)} is not a distinguished name: ${parsed.problem}`);
  for (const [field, days] of [["validityDays", spec.validityDays], ["intermediateValidityDays", spec.intermediateValidityDays]] as const) {
    if (!Number.isInteger(days) || days < 1) throw new Error(`authority ${spec.name}: ${field} must be a positive whole number of days, not ${days}`);
  }
  const params = keyParams(spec.keyAlgorithm);
  // X.509 times have whole seconds: drop the milliseconds here so what we compute is what is encoded.
  const start = Math.floor(now.getTime() / 1000) * 1000;
  const notBefore = new Date(start - CLOCK_SKEW_MS);
  const rootNotAfter = new Date(start + spec.validityDays * DAY_MS);

  const rootKeys = await newKeyPair(params);
  const root = await issueCa({
    params,
    subject: parsed.rdns,
    issuer: parsed.rdns,
    keys: rootKeys,
    signingKey: rootKeys.privateKey,
    issuerPublicKey: rootKeys.publicKey,
    pathLength: spec.intermediate ? 1 : 0,
    notBefore,
    notAfter: rootNotAfter,
  });
  const generated: GeneratedAuthority = { root: { certPem: root, keyPem: await exportPkcs8(rootKeys.privateKey) } };
  if (!spec.intermediate) return generated;

  const keys = await newKeyPair(params);
  const notAfter = new Date(Math.min(start + spec.intermediateValidityDays * DAY_MS, rootNotAfter.getTime()));
  const intermediate = await issueCa({
    params,
    subject: intermediateRdns(parsed.rdns, spec.name),
    issuer: parsed.rdns,
    keys,
    signingKey: rootKeys.privateKey,
    issuerPublicKey: rootKeys.publicKey,
    pathLength: 0,
    notBefore,
    notAfter,
  });
  generated.intermediate = { certPem: intermediate, keyPem: await exportPkcs8(keys.privateKey) };
  return generated;
}

async function newKeyPair(params: KeyParams): Promise<webcrypto.CryptoKeyPair> {
  // Extractable, or the key could not be exported as PKCS#8 into the state directory.
  return (await subtle().generateKey(params.generate, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

interface IssueRequest {
  params: KeyParams;
  subject: readonly (readonly DnAttribute[])[];
  issuer: readonly (readonly DnAttribute[])[];
  keys: webcrypto.CryptoKeyPair;
  signingKey: webcrypto.CryptoKey;
  issuerPublicKey: webcrypto.CryptoKey;
  pathLength: number;
  notBefore: Date;
  notAfter: Date;
}

/** One CA certificate with the RFC 5280 CA profile: BasicConstraints and KeyUsage critical, SKI and AKI. */
async function issueCa(request: IssueRequest): Promise<string> {
  const x509 = loadX509();
  const publicKey = request.keys.publicKey;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: new x509.Name(toJsonName(request.subject)),
    issuer: new x509.Name(toJsonName(request.issuer)),
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey,
    signingKey: request.signingKey,
    signingAlgorithm: request.params.sign,
    extensions: [
      new x509.BasicConstraintsExtension(true, request.pathLength, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      // RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits, for the subject and, in the
      // AKI, for the issuer, so that chain builders match the intermediate to the root by key.
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(request.issuerPublicKey),
    ],
  });
  return normalizePem(certificate.toString("pem"));
}

/**
 * 128 random bits as a positive DER INTEGER of exactly 16 octets: the high bit of the first octet is
 * cleared (else DER would need a 0x00 prefix) and the first octet is never zero (else it would be
 * dropped). CA/Browser Forum Baseline Requirements 7.1 ask for at least 64 bits of randomness.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) || 0x01;
  return bytes.toString("hex");
}

async function exportPkcs8(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle().exportKey("pkcs8", key));
  return normalizePem(createPrivateKey({ key: der, format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }).toString());
}

/** LF line ends and exactly one final newline, so stored PEM files compare byte for byte. */
export function normalizePem(pem: string): string {
  return `${pem.replace(/\r\n/g, "\n").trimEnd()}\n`;
}
