import { isInside } from "../util/path.js";

// Private keys never go into the output directory (it is committed and synced by Argo CD), except the
// key Secrets mesh-security itself writes there with `output.secrets: inline` (warned as MS2304).

/** A PEM private key, or the start of one base64-encoded at the start of a value (a Secret's `data`). */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----|LS0tLS1CRUdJTiB(?:QUklWQVRFIEtFWS0t|FQyBQUklWQVRFIEtFWS0t|SU0EgUFJJVkFURSBLRVkt|FTkNSWVBURUQgUFJJVkFURSBLRVkt)/;

/** Whether a file's text holds a private key (PEM, or base64 PEM as in a Secret). */
export function holdsPrivateKey(text: string): boolean {
  return PRIVATE_KEY.test(text);
}

/**
 * The first directory that holds private keys and lies inside the output directory: the Secrets
 * directory (`--secrets-dir`) or the CA state directory (its `private/`). Undefined when none does.
 */
export function keyDirectoryInOutput(output: string, keyDirectories: ReadonlyArray<readonly [what: string, path: string]>): { what: string; path: string } | undefined {
  for (const [what, path] of keyDirectories) if (isInside(path, output)) return { what, path };
  return undefined;
}
