// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API to
// exist before the library is evaluated: keep this import first (ESM evaluates imports in order).
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

/** The @peculiar/x509 module, typed; obtain it through `loadX509()` so the provider is set. */
export type X509 = typeof x509;

let providerSet = false;

/** @peculiar/x509 over Node's WebCrypto; sets the crypto provider on first use, not at module load. */
export function loadX509(): X509 {
  if (!providerSet) {
    x509.cryptoProvider.set(webcrypto);
    providerSet = true;
  }
  return x509;
}

/** Node's WebCrypto SubtleCrypto, the one the certificates are signed with. */
export function subtle(): webcrypto.SubtleCrypto {
  return webcrypto.subtle;
}
