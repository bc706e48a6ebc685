// Sealing cost per Secret: `npx tsx bench/seal.ts`. Seals a cacerts-shaped Secret (4 values) for the
// sealed-secrets example's RSA-4096 controller certificate, fresh and with the previous ciphertext kept.
import { readFileSync } from "node:fs";
import { parseSealingCertificate, sealSecret } from "../src/ca/seal.js";

const example = "examples/sealed-secrets-gitops";
const cert = parseSealingCertificate(readFileSync(`${example}/sealed-secrets.pem`, "utf8"));
if (typeof cert === "string") throw new Error(cert);
const b64 = (s: string): string => Buffer.from(s).toString("base64");
const pem = (file: string): string => b64(readFileSync(`${example}/state/authorities/orders-ca/${file}`, "utf8"));
// A stand-in key of the size of a P-256 PKCS#8 PEM: the example's real key is not in the repository.
const key = b64(`-----BEGIN PRIVATE KEY-----\n${"A".repeat(184)}\n-----END PRIVATE KEY-----\n`);
const secret = { name: "cacerts", namespace: "istio-system", type: "Opaque", data: { "ca-cert.pem": pem("ca-cert.pem"), "ca-key.pem": key, "cert-chain.pem": pem("cert-chain.pem"), "root-cert.pem": pem("root-cert.pem") } };

const time = (n: number, fn: () => void): number => {
  for (let i = 0; i < 20; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / n;
};
const fresh = time(200, () => sealSecret(secret, cert, "strict", {}, undefined));
const previous = sealSecret(secret, cert, "strict", {}, undefined).object;
const kept = time(200, () => sealSecret(secret, cert, "strict", {}, previous));
console.log(`RSA-4096 controller key, 4-value Secret: sealing ${fresh.toFixed(2)} ms (${(fresh / 4).toFixed(2)} ms per value); unchanged, ciphertext kept: ${kept.toFixed(2)} ms`);
